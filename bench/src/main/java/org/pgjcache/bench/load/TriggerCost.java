package org.pgjcache.bench.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pgjcache's hand-edit trigger costs a single put: the raw upsert + NOTIFY of {@code
 * RawWriteBench}, one thread, on two tables of pgjcache's shape, one of them with a {@code BEFORE
 * UPDATE} trigger like pgjcache's (it gives rows edited by hand a new revision). Rounds of the two
 * alternate in one JVM, so the host's mood changes both alike; the program prints each round and
 * the means.
 *
 * <p>Arguments: {@code ROUNDS SECONDS} (e.g. {@code 12 3}). On the embedded server the durability
 * settings are those of the suite ({@code fsync} on).
 */
public final class TriggerCost {

  private static final Logger LOG = LoggerFactory.getLogger(TriggerCost.class);
  private static final int KEYS = 64;
  private static final List<String> TABLES = List.of("plain_entries", "trigger_entries");
  private static final String PAYLOAD_HEAD = "P|";
  private static final String PAYLOAD_TAIL =
      "|9223372036854775807|0f8fad5b-d9cb-469f-a165-70867728950e|3|";

  private TriggerCost() {}

  public static void main(String[] args) throws Exception {
    LoadPrograms.Rounds r = LoadPrograms.rounds(args, 12);
    int rounds = r.count();
    int seconds = r.seconds();
    BenchDatabase db = BenchDatabase.fresh("trigger");
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      createTables(c);
      double[] sums = new double[TABLES.size()];
      for (int round = 1; round <= rounds; round++) {
        for (int t = 0; t < TABLES.size(); t++) {
          double micros = round(c, TABLES.get(t), seconds);
          sums[t] += micros;
          LOG.info(
              String.format(
                  "round %d, %s: %.1f µs per upsert + NOTIFY", round, TABLES.get(t), micros));
        }
      }
      LOG.info(
          String.format(
              "means over %d rounds: without the trigger %.1f µs, with it %.1f µs" + " (%+.0f %%)",
              rounds, sums[0] / rounds, sums[1] / rounds, 100 * (sums[1] / sums[0] - 1)));
    }
    System.exit(0);
  }

  private static void createTables(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("create sequence entries_rev");
      for (String table : TABLES) {
        LoadPrograms.createEntriesTable(st, table);
      }
      st.execute(
          "create function bump_rev() returns trigger language plpgsql as $f$ begin"
              + " new.rev := nextval('entries_rev'); new.updated_at := now(); return new; end $f$");
      st.execute(
          "create trigger direct_sql before update on trigger_entries for each row"
              + " when (new.rev = old.rev and new.value is distinct from old.value)"
              + " execute procedure bump_rev()");
    }
  }

  /** One round of single-row upserts on a table; returns the mean time per statement in µs. */
  private static double round(Connection c, String table, int seconds) throws SQLException {
    Long[] keys = Data.keys(KEYS);
    String[] values = Data.values(KEYS, 0);
    String sql =
        "with w as (insert into "
            + table
            + " (cache, key, value, rev)"
            + " values (?, ?, ?, nextval('entries_rev')) on conflict (cache, key) do update"
            + " set value = excluded.value, rev = nextval('entries_rev'), updated_at = now()"
            + " returning rev) select rev, pg_notify(?, ? || rev || ?) from w";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      long count = 0;
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      for (int i = 0; System.nanoTime() < end; i = (i + 1) % KEYS) {
        String key = "l:" + keys[i];
        byte[] value = values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ps.setString(1, "bench");
        ps.setString(2, key);
        ps.setBytes(3, value);
        ps.setString(4, "entries_changes");
        ps.setString(5, PAYLOAD_HEAD);
        ps.setString(6, PAYLOAD_TAIL + key + Base64.getEncoder().encodeToString(value));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
        }
        count++;
      }
      return (System.nanoTime() - start) / 1e3 / count;
    }
  }
}
