package org.pgjcache.bench.load;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.pgjcache.bench.BenchDatabase;

/** What every load program does before it measures: read its arguments, make the server durable. */
final class LoadPrograms {

  private LoadPrograms() {}

  /**
   * The program's own arguments: the {@code bench} profile also passes {@code -results DIR}, which
   * the suite uses and the load programs do not.
   */
  static List<String> arguments(String[] args) {
    List<String> own = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-results")) {
        i++;
      } else {
        own.add(args[i]);
      }
    }
    return own;
  }

  /** How many rounds a comparison program alternates, and how long each lasts. */
  record Rounds(int count, int seconds) {}

  /**
   * The arguments {@code ROUNDS SECONDS} of a program that alternates rounds of several ways (each
   * optional, 3-s rounds by default), after which the server is made durable: such programs start
   * alike.
   */
  static Rounds rounds(String[] args, int defaultCount) {
    List<String> plain = arguments(args);
    int count = plain.size() > 0 ? Integer.parseInt(plain.get(0)) : defaultCount;
    int seconds = plain.size() > 1 ? Integer.parseInt(plain.get(1)) : 3;
    durableServer();
    return new Rounds(count, seconds);
  }

  /**
   * Gives the embedded server the suite's durability settings ({@code fsync} on); a server named by
   * {@code -Dbench.db.url} is left as it is.
   */
  static void durableServer() {
    if (System.getProperty(BenchDatabase.URL_PROPERTY) == null) {
      BenchDatabase.makeDurable(BenchDatabase.server());
    }
  }

  /** A table of pgjcache's shape: its columns and its indexes. */
  static void createEntriesTable(Statement st, String table) throws SQLException {
    st.execute(
        "create table "
            + table
            + " (cache text not null, key text not null,"
            + " value bytea, rev bigint not null, expires_at timestamptz,"
            + " updated_at timestamptz not null default now(), primary key (cache, key))");
    st.execute(
        "create index on "
            + table
            + " (expires_at)"
            + " where expires_at is not null and value is not null");
    st.execute("create index on " + table + " (cache, rev)");
    st.execute("create index on " + table + " (updated_at) where value is null");
  }
}
