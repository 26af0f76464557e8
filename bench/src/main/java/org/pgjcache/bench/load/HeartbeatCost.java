package org.pgjcache.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.peers.PgjcachePeer;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.pgjcache.sync.Coordination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What heartbeats cost the database with N full replicas of a cache of R rows: the database's CPU
 * per heartbeat round (every node's heartbeat once), when heartbeats compare whole caches (tables
 * without deletion tracking, as before) and when they compare what changed; how long after 100 rows
 * are changed behind every node's back (by SQL, no notification) every node holds them; and how
 * long each heartbeat statement takes on R rows, beside the statement timeout.
 *
 * <p>Arguments: {@code NODES ROWS [INTERVAL_SECONDS]} (e.g. {@code 16 1000000 2}). The database's
 * CPU is read from {@code /proc} for the server's processes, so the embedded server (or a local
 * one) on Linux is needed; run it with {@code -Dbench.jvm=-Xmx8g} for 16 replicas of 1,000,000.
 */
public final class HeartbeatCost {

  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatCost.class);
  private static final String CACHE = "c";
  private static final int DIVERGENT = 100;
  private static final int GIVE_UP_SECONDS = 60;

  /** Heartbeats between two whole comparisons of a cache whose changes are compared. */
  private static final int NET_PERIOD = 20;

  /**
   * Rows one statement of a whole comparison reads at most (the provider's span of revisions): the
   * bucket checksums of a cache take one statement per span.
   */
  private static final int SPAN_ROWS = 200_000;

  private HeartbeatCost() {}

  public static void main(String[] args) throws Exception {
    List<String> plain = LoadPrograms.arguments(args);
    int nodes = Integer.parseInt(plain.get(0));
    int rows = Integer.parseInt(plain.get(1));
    int interval = plain.size() > 2 ? Integer.parseInt(plain.get(2)) : 2;
    LoadPrograms.durableServer();
    BenchDatabase db = BenchDatabase.fresh("heartbeat");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodes", nodes);
    out.put("rows", rows);
    out.put("heartbeatIntervalSeconds", interval);
    Properties base = PgjcachePeer.properties(db);
    base.setProperty("pgjcache.heartbeat-interval", interval + "s");
    CacheManager owner = PgjcachePeer.node(base, "owner");
    owner.createCache(CACHE, config());
    fill(db, rows);
    statementTimes(owner, rows, out);
    owner.close();
    double idle0 = serverCpuSeconds();
    TimeUnit.SECONDS.sleep(5L * interval);
    out.put("idleDbCpuMsPerInterval", Math.round((serverCpuSeconds() - idle0) * 1000 / 5));
    for (String mode : List.of("whole", "changes")) {
      out.put(mode, round(db, base, mode, nodes, interval));
    }
    String json = toJson(out);
    LOG.info("heartbeat cost: {}", json);
    Path results = Path.of(resultsDir(args));
    Files.createDirectories(results);
    Files.writeString(results.resolve("heartbeat-cost-" + nodes + "x" + rows + ".json"), json);
    System.exit(0);
  }

  /** The {@code -results DIR} the bench profile passes, else {@code bench/results}. */
  private static String resultsDir(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-results")) {
        return args[i + 1];
      }
    }
    return "bench/results";
  }

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  /** Rows in pgjcache's encoding of strings, written by SQL. */
  private static void fill(BenchDatabase db, int rows) throws SQLException {
    long t0 = System.nanoTime();
    sql(
        db,
        "insert into pgjcache_entries (cache, key, value, rev) select '"
            + CACHE
            + "', 's:k' || g, '\\x02'::bytea || convert_to('v' || g, 'UTF8'),"
            + " nextval('pgjcache_entries_rev') from generate_series(0, "
            + (rows - 1)
            + ") g",
        "analyze pgjcache_entries");
    LOG.info("wrote {} rows by SQL in {} ms", rows, (System.nanoTime() - t0) / 1_000_000);
  }

  private static void sql(BenchDatabase db, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /** How long each heartbeat statement takes on this cache, once warm. */
  private static void statementTimes(CacheManager owner, int rows, Map<String, Object> out) {
    Coordination co = owner.unwrap(PgCacheManagerImpl.class).coordination();
    Coordination.Horizon horizon = co.horizon(Set.of(CACHE));
    long recent = horizon.revision() - 1000;
    out.put("wholeCountAndSumMs", millis(() -> co.revisionSums(Set.of(CACHE))));
    double buckets = millis(() -> co.checksums(Set.of(CACHE)));
    int spans = Math.max(1, (rows + SPAN_ROWS - 1) / SPAN_ROWS);
    out.put("wholeBucketChecksumsMs", buckets);
    out.put("bucketChecksumStatements", spans);
    out.put("bucketChecksumsPerStatementMs", Math.round(buckets / spans * 10) / 10.0);
    out.put("horizonMs", millis(() -> co.horizon(Set.of(CACHE))));
    out.put("changesOf1000RowsMs", millis(() -> co.changedSince(CACHE, recent, 100_001)));
    out.put(
        "statementTimeoutMs",
        owner.unwrap(PgCacheManagerImpl.class).settings().statementTimeout().toMillis());
  }

  /** The best of three runs, warm. */
  private static double millis(Supplier<?> statement) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      statement.get();
      best = Math.min(best, (System.nanoTime() - t0) / 1e6);
    }
    return Math.round(best * 10) / 10.0;
  }

  private static Map<String, Object> round(
      BenchDatabase db, Properties base, String mode, int count, int interval) throws Exception {
    Properties p = new Properties();
    p.putAll(base);
    if (mode.equals("whole")) {
      // tables of an earlier version: heartbeats compare whole caches, as every one did before
      sql(db, "drop trigger if exists pgjcache_entries_deletes on pgjcache_entries");
      p.setProperty("pgjcache.ddl", "false");
    }
    List<CacheManager> managers = new ArrayList<>();
    List<Cache<String, String>> caches = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      CacheManager m = PgjcachePeer.node(p, mode + "-" + i);
      managers.add(m);
      caches.add(m.createCache(CACHE, config()));
    }
    LOG.info(
        "{}: {} nodes attached in {} s", mode, count, (System.nanoTime() - t0) / 1_000_000_000);
    Map<String, Object> r = new LinkedHashMap<>();
    try {
      // let every node pass its first (whole) comparison and the lag of its mark
      TimeUnit.SECONDS.sleep(Math.max(3L * interval, 35));
      // a node compares whole at least every 20th heartbeat (its net, or another node's): over 20
      // rounds every net of the period is counted once
      int rounds = NET_PERIOD;
      double cpu0 = serverCpuSeconds();
      TimeUnit.SECONDS.sleep((long) rounds * interval);
      double cpu = serverCpuSeconds() - cpu0;
      r.put("dbCpuMsPerRound", Math.round(cpu * 1000 / rounds));
      r.put("dbCpuShareOfOneCore", Math.round(cpu / (rounds * interval) * 1000) / 1000.0);

      sql(
          db,
          "update pgjcache_entries set value = '\\x02'::bytea || convert_to('x' || key, 'UTF8'),"
              + " rev = nextval('pgjcache_entries_rev') where cache = '"
              + CACHE
              + "' and key in (select 's:k' || (g * 97) from generate_series(0, "
              + (DIVERGENT - 1)
              + ") g)");
      long edited = System.nanoTime();
      String lastKey = "k" + ((DIVERGENT - 1) * 97);
      String last = "xs:" + lastKey;
      String first = "xs:k0";
      // every node polled in turn, so each node's own time is seen, not the slowest one's so far
      long[] repairedAfter = new long[caches.size()];
      int repaired = 0;
      while (repaired < caches.size()
          && System.nanoTime() - edited < TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS)) {
        for (int i = 0; i < caches.size(); i++) {
          Cache<String, String> c = caches.get(i);
          if (repairedAfter[i] == 0 && last.equals(c.get(lastKey)) && first.equals(c.get("k0"))) {
            repairedAfter[i] = System.nanoTime() - edited;
            repaired++;
          }
        }
        TimeUnit.MILLISECONDS.sleep(5);
      }
      r.put("nodesRepaired", repaired);
      r.put(
          repaired == caches.size() ? "allNodesRepaired100KeysMs" : "gaveUpAfterMs",
          Math.round((System.nanoTime() - edited) / 1_000_000.0));
      if (repaired > 0) {
        long[] times = java.util.Arrays.stream(repairedAfter).filter(t -> t > 0).sorted().toArray();
        r.put("medianNodeRepairedMs", Math.round(times[times.length / 2] / 1_000_000.0));
        r.put("firstNodeRepairedMs", Math.round(times[0] / 1_000_000.0));
      }
      sql(
          db,
          "update pgjcache_entries set value = '\\x02'::bytea || convert_to(substr(key, 3),"
              + " 'UTF8'), rev = nextval('pgjcache_entries_rev') where value is not null"
              + " and convert_from(substr(value, 2), 'UTF8') like 'x%'");
    } finally {
      managers.forEach(CacheManager::close);
      if (mode.equals("whole")) {
        p.setProperty("pgjcache.ddl", "true");
        PgjcachePeer.node(p, "restore-ddl").close();
      }
    }
    LOG.info("{}: {}", mode, r);
    return r;
  }

  /** CPU seconds used so far by every process of the database server (from /proc). */
  private static double serverCpuSeconds() throws IOException {
    long ticks = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(dir.resolve("stat"));
          int close = stat.lastIndexOf(')');
          String comm = stat.substring(stat.indexOf('(') + 1, close);
          if (!comm.startsWith("postgres") && !comm.startsWith("postmaster")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        } catch (IOException | RuntimeException e) {
          // the process ended meanwhile
        }
      }
    }
    return ticks / 100.0;
  }

  private static String toJson(Map<String, Object> map) {
    StringBuilder sb = new StringBuilder("{");
    map.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          sb.append('"').append(k).append("\": ");
          sb.append(v instanceof Map<?, ?> m ? toJson(castMap(m)) : String.valueOf(v));
        });
    return sb.append('}').toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
