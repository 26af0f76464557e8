package org.pgjcache.bench.jmh;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Workload 2: {@code put} of an existing key. One thread in sample mode (latency percentiles), and
 * 8 and 16 threads for throughput; 8 threads in sample mode too, for the tail latency of concurrent
 * puts (issue 14, point 5). Each thread overwrites its own 64 keys, so rows are not contended and
 * only the commit path is.
 */
@State(Scope.Benchmark)
public class PutBench {

  static final int KEYS_PER_THREAD = 64;
  static final int MAX_THREADS = 16;
  static final int ENTRIES = KEYS_PER_THREAD * MAX_THREADS;

  @Param({Peer.PGJCACHE, Peer.PGJCACHE_RELAXED, Peer.CAFFEINE, Peer.REDISSON, Peer.HAZELCAST})
  public String impl;

  Peer peer;
  Cache<Long, String> cache;
  Long[] keys;
  String[][] values;
  final AtomicInteger threads = new AtomicInteger();

  @Setup(Level.Trial)
  public void open() {
    peer = Peer.open(impl);
    cache = peer.cache("put", Long.class, String.class);
    keys = Data.keys(ENTRIES);
    values = new String[][] {Data.values(ENTRIES, 0), Data.values(ENTRIES, 1)};
    CacheLoad.fill(cache, keys, values[0]);
    Prewarm.puts(cache, keys, values[0]);
    threads.set(0);
  }

  @TearDown(Level.Trial)
  public void close() {
    peer.close();
  }

  /** A writer's own keys, overwritten in turn with alternating values. */
  @State(Scope.Thread)
  public static class Slot {
    int from;
    int next;
    int generation = 1;

    @Setup(Level.Trial)
    public void place(PutBench bench) {
      from = (bench.threads.getAndIncrement() % MAX_THREADS) * KEYS_PER_THREAD;
    }

    void put(PutBench bench) {
      int index = from + next;
      bench.cache.put(bench.keys[index], bench.values[generation][index]);
      if (++next == KEYS_PER_THREAD) {
        next = 0;
        generation ^= 1;
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public void put1(Slot slot) {
    slot.put(this);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public void put8(Slot slot) {
    slot.put(this);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public void put16(Slot slot) {
    slot.put(this);
  }

  /** The tail of concurrent puts: p99 and p99.9 of 8 threads (issue 14, point 5). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(8)
  public void put8Sample(Slot slot) {
    slot.put(this);
  }
}
