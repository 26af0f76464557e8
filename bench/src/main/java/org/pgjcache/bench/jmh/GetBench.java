package org.pgjcache.bench.jmh;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Workload 1: {@code get} hits on a warm cache of 10,000 {@code Long -> String(100)} entries,
 * store-by-value; one thread (time per get), four threads (throughput), and four readers on keys of
 * their own while one thread writes other keys (the seed's "no global lock" case).
 */
@State(Scope.Benchmark)
public class GetBench {

  static final int ENTRIES = 10_000;

  /**
   * Readers of {@link #rw} read slices of the first 8,000 keys; the writer writes the last 2,000.
   */
  static final int READER_SLICE = 2_000;

  static final int WRITER_FROM = 8_000;

  @Param({Peer.PGJCACHE, Peer.CAFFEINE, Peer.REDISSON, Peer.HAZELCAST})
  public String impl;

  Peer peer;
  Cache<Long, String> cache;
  Long[] keys;
  String[][] values;
  final AtomicInteger threads = new AtomicInteger();

  @Setup(Level.Trial)
  public void open() {
    peer = Peer.open(impl);
    cache = peer.cache("get", Long.class, String.class);
    keys = Data.keys(ENTRIES);
    values = new String[][] {Data.values(ENTRIES, 0), Data.values(ENTRIES, 1)};
    CacheLoad.fill(cache, keys, values[0]);
    Prewarm.gets(cache, keys);
    threads.set(0);
  }

  @TearDown(Level.Trial)
  public void close() {
    peer.close();
  }

  /** A reader walking over every key, each thread from its own starting point. */
  @State(Scope.Thread)
  public static class AnyKey {
    int next;

    @Setup(Level.Trial)
    public void place(GetBench bench) {
      next = bench.threads.getAndIncrement() * (ENTRIES / 4) % ENTRIES;
    }

    Long key(Long[] keys) {
      Long key = keys[next];
      if (++next == ENTRIES) {
        next = 0;
      }
      return key;
    }
  }

  /** A reader confined to a slice of keys no other thread touches. */
  @State(Scope.Thread)
  public static class OwnSlice {
    int from;
    int next;

    @Setup(Level.Trial)
    public void place(GetBench bench) {
      from = (bench.threads.getAndIncrement() % 4) * READER_SLICE;
    }

    Long key(Long[] keys) {
      Long key = keys[from + next];
      if (++next == READER_SLICE) {
        next = 0;
      }
      return key;
    }
  }

  /** The writer: overwrites the keys no reader reads, alternating between two values per key. */
  @State(Scope.Thread)
  public static class Writer {
    int next;
    int generation;

    void write(GetBench bench) {
      int index = WRITER_FROM + next;
      bench.cache.put(bench.keys[index], bench.values[generation][index]);
      if (++next == ENTRIES - WRITER_FROM) {
        next = 0;
        generation ^= 1;
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Threads(1)
  public String get1(AnyKey reader) {
    return cache.get(reader.key(keys));
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public String get4(AnyKey reader) {
    return cache.get(reader.key(keys));
  }

  @Benchmark
  @Group("rw")
  @GroupThreads(4)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public String rwRead(OwnSlice reader) {
    return cache.get(reader.key(keys));
  }

  @Benchmark
  @Group("rw")
  @GroupThreads(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void rwWrite(Writer writer) {
    writer.write(this);
  }
}
