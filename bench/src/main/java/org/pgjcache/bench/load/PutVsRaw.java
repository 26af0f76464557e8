package org.pgjcache.bench.load;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;
import org.pgjcache.bench.RawRows;
import org.pgjcache.bench.peers.PgjcachePeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single put, one thread, three ways in alternating rounds in one JVM on one database: pgjcache's
 * {@code Cache.put}; the raw upsert + NOTIFY of {@code RawWriteBench} through HikariCP; and
 * pgjcache's own put statement sent directly through the same pool. The JMH suite measures the
 * first two in separate JVMs minutes apart, where a checkpoint or a busy JIT compiler can land on
 * either; here both see the same moment, and the third tells the statement's share from the JVM's.
 *
 * <p>Arguments: {@code ROUNDS SECONDS} (e.g. {@code 6 3}); a first round warms up and is not
 * counted. On the embedded server the durability settings are those of the suite ({@code fsync}
 * on).
 */
public final class PutVsRaw {

  private static final Logger LOG = LoggerFactory.getLogger(PutVsRaw.class);
  private static final int KEYS = 64;
  private static final String CHANNEL = "pgjcache_changes";
  private static final String RAW =
      "with w as (insert into raw_entries (cache, key, value, rev)"
          + " values (?, ?, ?, nextval('raw_rev')) on conflict (cache, key) do update"
          + " set value = excluded.value, rev = nextval('raw_rev'), updated_at = now()"
          + " returning rev) select rev, pg_notify(?, ? || rev || ?) from w";

  /** pgjcache's put statement on its default table (as {@code Sql} builds it). */
  private static final String OURS =
      "with w as (insert into public.pgjcache_entries"
          + " (cache, key, value, rev, expires_at) values (?, ?, ?, nextval('public.pgjcache_entries_rev'),"
          + " (case when ?::bigint = "
          + Long.MAX_VALUE
          + " then null else to_timestamp(?::bigint / 1000.0)"
          + " end)) on conflict (cache, key) do update set value = excluded.value,"
          + " rev = nextval('public.pgjcache_entries_rev'), expires_at = excluded.expires_at,"
          + " updated_at = now() returning rev) select rev, pg_notify(?, ? || rev || ?) from w";

  private static final String[] WAYS = {
    "pgjcache put", "raw upsert + NOTIFY", "pgjcache's statement"
  };

  private PutVsRaw() {}

  public static void main(String[] args) throws Exception {
    LoadPrograms.Rounds r = LoadPrograms.rounds(args, 6);
    int rounds = r.count();
    int seconds = r.seconds();
    BenchDatabase db = BenchDatabase.fresh("put_vs_raw");
    CacheManager manager = PgjcachePeer.node(PgjcachePeer.properties(db), "put-vs-raw");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(2);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      Cache<Long, String> cache =
          manager.createCache(
              "put", new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
      try (Connection c = pool.getConnection();
          Statement st = c.createStatement()) {
        st.execute("create sequence raw_rev");
        LoadPrograms.createEntriesTable(st, "raw_entries");
      }
      Writes writes = new Writes();
      double[] sums = new double[WAYS.length];
      for (int round = 0; round <= rounds; round++) {
        for (int way = 0; way < WAYS.length; way++) {
          double micros = round(way, cache, pool, writes, seconds);
          if (round > 0) {
            sums[way] += micros;
          }
          LOG.info(
              String.format(
                  "round %d%s, %s: %.1f µs",
                  round, round == 0 ? " (warm-up)" : "", WAYS[way], micros));
        }
      }
      LOG.info(
          String.format(
              "means over %d rounds: %s %.1f µs, %s %.1f µs (%.2f×), %s %.1f µs",
              rounds,
              WAYS[0],
              sums[0] / rounds,
              WAYS[1],
              sums[1] / rounds,
              sums[0] / sums[1],
              WAYS[2],
              sums[2] / rounds));
    }
    manager.close();
    System.exit(0);
  }

  /** One round of one way; returns the mean time per put in µs. */
  private static double round(
      int way, Cache<Long, String> cache, HikariDataSource pool, Writes w, int seconds)
      throws SQLException {
    long count = 0;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    for (int i = 0, g = 0; System.nanoTime() < end; count++) {
      if (way == 0) {
        cache.put(w.keys[i], w.text[g][i]);
      } else {
        statement(pool, way == 1, w, i, g);
      }
      if (++i == KEYS) {
        i = 0;
        g ^= 1;
      }
    }
    return (System.nanoTime() - start) / 1e3 / count;
  }

  private static void statement(HikariDataSource pool, boolean raw, Writes w, int i, int g)
      throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(raw ? RAW : OURS)) {
      int p = 1;
      ps.setString(p++, raw ? "raw" : "direct");
      ps.setString(p++, w.rows.keys[i]);
      ps.setBytes(p++, w.rows.values[g][i]);
      if (!raw) {
        ps.setLong(p++, Long.MAX_VALUE);
        ps.setLong(p++, Long.MAX_VALUE);
      }
      ps.setString(p++, CHANNEL);
      ps.setString(p++, RawRows.HEAD);
      ps.setString(p, w.rows.tails[g][i]);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
      }
    }
  }

  /** The keys and the two generations of values, as the cache and as the statements see them. */
  private static final class Writes {
    final Long[] keys = Data.keys(KEYS);
    final String[][] text = {Data.values(KEYS, 0), Data.values(KEYS, 1)};
    final RawRows rows = new RawRows("put", KEYS);
  }
}
