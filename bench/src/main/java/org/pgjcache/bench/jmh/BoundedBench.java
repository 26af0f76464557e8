package org.pgjcache.bench.jmh;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.pgjcache.bench.Data;
import org.pgjcache.bench.peers.Peer;
import org.pgjcache.bench.peers.PgjcachePeer;

/**
 * Issue 12: a {@code get} hit on a bounded pgjcache cache whose working set fits its bound (10,000
 * entries, {@code max-entries=10000}), beside Caffeine's JCache {@code get} on the same keys
 * (unbounded, as {@link GetBench} opens it, and bounded to 10,000 entries, whose reads pay for the
 * same eviction policy's bookkeeping); one thread, time per get, as {@link GetBench#get1}.
 */
@State(Scope.Benchmark)
@Threads(1)
public class BoundedBench {

  /** Caffeine's JCache with {@code maximumSize} 10,000: a bounded cache of the same policy. */
  public static final String CAFFEINE_BOUNDED = "caffeine-bounded";

  @Param({Peer.PGJCACHE_BOUNDED, Peer.CAFFEINE, CAFFEINE_BOUNDED})
  public String impl;

  Peer peer;
  CacheManager boundedManager;
  Cache<Long, String> cache;
  Long[] keys;
  int next;

  @Setup(Level.Trial)
  public void open() {
    if (impl.equals(CAFFEINE_BOUNDED)) {
      CachingProvider provider =
          Caching.getCachingProvider(
              "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider");
      boundedManager =
          provider.getCacheManager(provider.getDefaultURI(), BoundedBench.class.getClassLoader());
      CaffeineConfiguration<Long, String> config = new CaffeineConfiguration<Long, String>();
      config.setTypes(Long.class, String.class);
      config.setStoreByValue(true);
      config.setMaximumSize(OptionalLong.of(PgjcachePeer.BOUND));
      cache = boundedManager.createCache("bounded-" + System.nanoTime(), config);
    } else {
      peer = Peer.open(impl);
      cache = peer.cache("bounded", Long.class, String.class);
    }
    keys = Data.keys(PgjcachePeer.BOUND);
    CacheLoad.fill(cache, keys, Data.values(PgjcachePeer.BOUND, 0));
    Prewarm.gets(cache, keys);
  }

  @TearDown(Level.Trial)
  public void close() {
    if (peer != null) {
      peer.close();
    } else {
      boundedManager.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String hit() {
    Long key = keys[next];
    if (++next == keys.length) {
      next = 0;
    }
    return cache.get(key);
  }
}
