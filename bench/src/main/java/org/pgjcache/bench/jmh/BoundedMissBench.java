package org.pgjcache.bench.jmh;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;
import org.pgjcache.bench.peers.PgjcachePeer;
import org.pgjcache.cache.PgCache;
import org.pgjcache.store.Replica.TierStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: a {@code get} that misses a bounded cache's local tier and reads through to PostgreSQL
 * (one point select), to set beside {@link RawReadBench#pointSelect}: a cache of 10,000 rows
 * bounded to one entry per node, read with keys cycling over all of them, so that every get is a
 * miss. The tier's counters are logged at the end to show it.
 */
@State(Scope.Benchmark)
@Threads(1)
public class BoundedMissBench {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedMissBench.class);

  CacheManager manager;
  Cache<Long, String> cache;
  Long[] keys;
  int next;

  @Setup(Level.Trial)
  public void open() {
    Properties properties = PgjcachePeer.properties(BenchDatabase.fresh("bounded_miss"));
    properties.setProperty("pgjcache.max-entries", "1");
    manager = PgjcachePeer.node(properties, "miss");
    cache =
        manager.createCache(
            "miss", new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
    keys = Data.keys(GetBench.ENTRIES);
    CacheLoad.fill(cache, keys, Data.values(GetBench.ENTRIES, 0));
    Prewarm.gets(cache, keys);
  }

  @TearDown(Level.Trial)
  public void close() {
    TierStats tier = cache.unwrap(PgCache.class).localTier();
    LOG.info("local tier after the trial: {}", tier);
    manager.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String miss() {
    Long key = keys[next];
    if (++next == keys.length) {
      next = 0;
    }
    return cache.get(key);
  }
}
