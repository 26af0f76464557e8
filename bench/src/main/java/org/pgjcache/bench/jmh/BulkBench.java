package org.pgjcache.bench.jmh;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
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

/**
 * Workload 3: {@code putAll}, {@code getAll} and {@code removeAll} of 1,000 entries, one thread.
 * putAll overwrites existing keys with alternating values; removeAll finds all 1,000 present (they
 * are put back before each call, outside the measured time).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class BulkBench {

  static final int BATCH = 1_000;

  @Param({Peer.PGJCACHE, Peer.CAFFEINE, Peer.REDISSON, Peer.HAZELCAST})
  public String impl;

  Peer peer;
  Cache<Long, String> cache;
  Set<Long> keys;
  List<Map<Long, String>> maps;
  int generation;

  @Setup(Level.Trial)
  public void open() {
    peer = Peer.open(impl);
    cache = peer.cache("bulk", Long.class, String.class);
    Long[] all = Data.keys(BATCH);
    keys = Data.keySet(all, 0, BATCH);
    maps =
        List.of(
            Data.map(all, Data.values(BATCH, 0), 0, BATCH),
            Data.map(all, Data.values(BATCH, 1), 0, BATCH));
    cache.putAll(maps.get(0));
    Prewarm.repeat(10, () -> cache.getAll(keys));
    Prewarm.repeat(10, () -> cache.putAll(maps.get(0)));
  }

  @TearDown(Level.Trial)
  public void close() {
    peer.close();
  }

  /** Puts the batch back before each removeAll, so every call removes 1,000 live entries. */
  @State(Scope.Thread)
  public static class Refill {
    @Setup(Level.Invocation)
    public void refill(BulkBench bench) {
      bench.cache.putAll(bench.maps.get(0));
    }
  }

  @Benchmark
  public void putAll() {
    generation ^= 1;
    cache.putAll(maps.get(generation));
  }

  @Benchmark
  public Map<Long, String> getAll() {
    return cache.getAll(keys);
  }

  @Benchmark
  public void removeAll(Refill refill) {
    cache.removeAll(keys);
  }
}
