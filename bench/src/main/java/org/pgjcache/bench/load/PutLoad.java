package org.pgjcache.bench.load;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.Cache;
import org.pgjcache.bench.Data;
import org.pgjcache.bench.peers.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code put} from N threads on keys of their own (the shape of {@code PutBench}) for several
 * rounds, printing puts per second and this JVM's CPU time per put for each round. JMH's short
 * iterations cannot show whether a change to the write path moves throughput on a noisy 2-core
 * machine; several longer rounds side by side can, and the CPU per put tells a latency limit from a
 * CPU limit.
 *
 * <p>Arguments: {@code IMPL THREADS SECONDS ROUNDS} (e.g. {@code pgjcache 8 4 5}). On the embedded
 * server the durability settings are those of the suite ({@code fsync} on); {@code -Dbench.db.url}
 * names another server.
 */
public final class PutLoad {

  private static final Logger LOG = LoggerFactory.getLogger(PutLoad.class);
  private static final int KEYS_PER_THREAD = 64;

  private PutLoad() {}

  public static void main(String[] args) throws Exception {
    List<String> plain = LoadPrograms.arguments(args);
    if (plain.size() != 4) {
      throw new IllegalArgumentException("usage: PutLoad IMPL THREADS SECONDS ROUNDS");
    }
    String impl = plain.get(0);
    int threads = Integer.parseInt(plain.get(1));
    int seconds = Integer.parseInt(plain.get(2));
    int rounds = Integer.parseInt(plain.get(3));
    LoadPrograms.durableServer();
    try (Peer peer = Peer.open(impl)) {
      run(peer.cache("put", Long.class, String.class), impl, threads, seconds, rounds);
    }
    System.exit(0);
  }

  private static void run(
      Cache<Long, String> cache, String impl, int threads, int seconds, int rounds)
      throws InterruptedException {
    int entries = threads * KEYS_PER_THREAD;
    Long[] keys = Data.keys(entries);
    String[][] values = {Data.values(entries, 0), Data.values(entries, 1)};
    for (int i = 0; i < entries; i++) {
      cache.put(keys[i], values[0][i]);
    }
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 1; round <= rounds; round++) {
      LongAdder puts = new LongAdder();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = t * KEYS_PER_THREAD;
        Thread writer =
            new Thread(
                () -> {
                  int next = 0;
                  int generation = 1;
                  while (!stop.get()) {
                    cache.put(keys[from + next], values[generation][from + next]);
                    puts.increment();
                    if (++next == KEYS_PER_THREAD) {
                      next = 0;
                      generation ^= 1;
                    }
                  }
                },
                "put-load-" + t);
        writers.add(writer);
      }
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      writers.forEach(Thread::start);
      TimeUnit.SECONDS.sleep(seconds);
      stop.set(true);
      for (Thread writer : writers) {
        writer.join();
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double cpuMicros = (os.getProcessCpuTime() - cpu0) / 1e3;
      long n = puts.sum();
      LOG.info(
          String.format(
              "%s, %d threads, round %d: %,.0f puts/s, %.1f µs of this JVM's CPU per put",
              impl, threads, round, n / elapsed, cpuMicros / Math.max(1, n)));
    }
  }
}
