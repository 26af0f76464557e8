package org.pgjcache.backend.postgres;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscription;
import org.pgjcache.backend.Write;
import org.pgjcache.config.SettingsResolver;
import org.pgjcache.support.Nodes;

/**
 * A {@link PostgresBackend} on a fresh database with one subscriber of cache {@code c}, whose
 * origin the puts of a test carry: it hears only what the backend delivers to a put's own origin (a
 * put that committed after its caller gave up), since a node skips its own notifications. Also an
 * administrator's connection for triggers, locks and reading the table.
 */
final class CombinerFixture implements AutoCloseable {

  static final String CACHE = "c";

  final Nodes nodes;
  final PostgresBackend backend;
  final Connection admin;
  final Subscription subscription;

  /** Key text to revision of every change delivered to the subscriber. */
  final Map<String, Long> heard = new ConcurrentHashMap<>();

  private CombinerFixture(Nodes nodes, PostgresBackend backend, Connection admin) {
    this.nodes = nodes;
    this.backend = backend;
    this.admin = admin;
    this.subscription =
        backend
            .feed()
            .subscribe(
                CACHE,
                new ChangeListener() {
                  @Override
                  public void onChange(Change change) {
                    heard.merge(change.key(), change.rev(), Math::max);
                  }

                  @Override
                  public void onPossibleGap() {}
                });
  }

  /** Opens a backend with the given settings (keys without the {@code pgjcache.} prefix). */
  static CombinerFixture open(String prefix, Map<String, String> settings) throws SQLException {
    Nodes nodes = Nodes.freshDatabase(prefix);
    Properties p = nodes.properties();
    settings.forEach((k, v) -> p.setProperty("pgjcache." + k, v));
    PostgresBackend backend =
        PostgresBackend.open(
            SettingsResolver.resolve(
                URI.create("pgjcache:" + prefix + "-" + UUID.randomUUID()),
                CombinerFixture.class.getClassLoader(),
                p));
    Connection admin = DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
    return new CombinerFixture(nodes, backend, admin);
  }

  /** Puts {@code value} under key {@code s:name} of the cache, as the subscriber. */
  long put(String name, String value) {
    return backend
        .store()
        .put(CACHE, new Write("s:" + name, value.getBytes(), Row.ETERNAL), subscription.origin());
  }

  void sql(String... statements) throws SQLException {
    try (Statement st = admin.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /**
   * Lets gates hold writes: a write of a key that starts with the prefix of a closed gate waits in
   * its statement until the gate opens, sleeping rather than waiting for a lock, so that no lock
   * timeout cuts it short.
   */
  void installGates() throws SQLException {
    sql(
        "create table gate (prefix text primary key, open boolean not null)",
        "create function hold() returns trigger language plpgsql as $$ begin"
            + " while exists (select 1 from gate where not open and new.key like prefix || '%') loop"
            + " perform pg_sleep(0.005); end loop; return new; end $$",
        "create trigger hold before insert or update on pgjcache_entries for each row"
            + " execute function hold()");
  }

  /** Closes a gate for the keys {@code s:<name>...}. */
  void closeGate(String name) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("insert into gate values (?, false)")) {
      ps.setString(1, "s:" + name);
      ps.executeUpdate();
    }
  }

  void openGate(String name) throws SQLException {
    try (PreparedStatement ps =
        admin.prepareStatement("update gate set open = true where prefix = ?")) {
      ps.setString(1, "s:" + name);
      ps.executeUpdate();
    }
  }

  /** Statements sleeping in the gate right now. */
  int atGate() throws SQLException {
    try (Statement st = admin.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select count(*) from pg_stat_activity"
                    + " where wait_event = 'PgSleep' and datname = current_database()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Stored rows of the cache: key text to the transaction that wrote them ({@code xmin}). */
  Map<String, Long> writers() throws SQLException {
    Map<String, Long> rows = new HashMap<>();
    try (PreparedStatement ps =
        admin.prepareStatement(
            "select key, xmin::text::bigint"
                + " from pgjcache_entries where cache = ? and value is not null")) {
      ps.setString(1, CACHE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return rows;
  }

  static Map<String, String> settings(String... pairs) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Override
  public void close() throws SQLException {
    try {
      subscription.close();
      backend.close();
    } finally {
      admin.close();
      nodes.close();
    }
  }
}
