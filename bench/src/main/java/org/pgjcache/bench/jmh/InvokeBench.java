package org.pgjcache.bench.jmh;

import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
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
import org.pgjcache.bench.peers.Peer;

/**
 * Workload 4: {@code invoke} incrementing one hot key from 8 threads: every call must see the
 * previous one's result, so this measures the atomic read-modify-write path under full contention.
 */
@State(Scope.Benchmark)
public class InvokeBench {

  static final Long HOT = 42L;

  @Param({Peer.PGJCACHE, Peer.CAFFEINE, Peer.REDISSON, Peer.HAZELCAST})
  public String impl;

  Peer peer;
  Cache<Long, Long> cache;

  @Setup(Level.Trial)
  public void open() {
    peer = Peer.open(impl);
    cache = peer.cache("invoke", Long.class, Long.class);
    cache.put(HOT, 0L);
    Prewarm.repeat(500, () -> cache.invoke(HOT, Increment.INSTANCE));
  }

  @TearDown(Level.Trial)
  public void close() {
    peer.close();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public Long invoke8() {
    return cache.invoke(HOT, Increment.INSTANCE);
  }

  /** Adds one; serializable because Hazelcast runs it on the partition owner. */
  static final class Increment implements EntryProcessor<Long, Long, Long>, Serializable {
    static final Increment INSTANCE = new Increment();
    private static final long serialVersionUID = 1L;

    @Override
    public Long process(MutableEntry<Long, Long> entry, Object... arguments) {
      long next = (entry.exists() ? entry.getValue() : 0L) + 1;
      entry.setValue(next);
      return next;
    }
  }
}
