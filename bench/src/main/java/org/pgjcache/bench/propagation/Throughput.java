package org.pgjcache.bench.propagation;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;

/**
 * {@link ManyNodes}' put throughput: {@code threads} threads on the writer, each overwriting its
 * own keys, for a fixed time after a warm-up; with the CPU time the writer's JVM, each {@link
 * NodeHost} (beyond what it spends idle) and the database's backends spent per put meanwhile.
 */
final class Throughput {

  private static final long IDLE_MILLIS = 2_000;

  private final Cache<Long, String> cache;
  private final List<HostProcess> hosts;
  private final BenchDatabase db;
  private final int threads;
  private final int keysPerThread;
  private final Long[] keys;
  private final String[][] values;

  Throughput(
      Cache<Long, String> cache,
      List<HostProcess> hosts,
      BenchDatabase db,
      int threads,
      int keysPerThread) {
    this.cache = cache;
    this.hosts = hosts;
    this.db = db;
    this.threads = threads;
    this.keysPerThread = keysPerThread;
    int entries = threads * keysPerThread;
    keys = Data.keys(entries);
    values = new String[][] {Data.values(entries, 0), Data.values(entries, 1)};
    for (int i = 0; i < entries; i++) {
      cache.put(keys[i], values[0][i]);
    }
  }

  Map<String, Object> measure(int warmupSeconds, int seconds) throws Exception {
    run(warmupSeconds);
    long[] idle = hostCpu();
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS));
    long[] idleEnd = hostCpu();
    try (Connection c = db.connect()) {
      Map<Integer, Long> serverBefore = ServerCpu.snapshot(c);
      long[] before = hostCpu();
      long writerBefore = NodeHost.cpuNanos();
      long started = System.nanoTime();
      long puts = run(seconds);
      long elapsed = System.nanoTime() - started;
      long writerCpu = NodeHost.cpuNanos() - writerBefore;
      long[] after = hostCpu();
      Long serverCpu = ServerCpu.between(serverBefore, ServerCpu.snapshot(c));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("threads", threads);
      out.put("seconds", elapsed / 1e9);
      out.put("puts", puts);
      out.put("putsPerSecond", puts / (elapsed / 1e9));
      out.put("writerJvmCpuMicrosPerPut", writerCpu / 1000.0 / puts);
      out.put(
          "serverBackendsCpuMicrosPerPut", serverCpu == null ? null : serverCpu / 1000.0 / puts);
      out.put("serverBackends", serverBefore.size());
      List<Map<String, Object>> perHost = new ArrayList<>();
      double withSum = 0;
      int withHosts = 0;
      double withoutSum = 0;
      int withoutHosts = 0;
      for (int i = 0; i < hosts.size(); i++) {
        HostProcess host = hosts.get(i);
        double idleRate =
            (idleEnd[i] - idle[i]) / (double) TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
        double busy = (after[i] - before[i]) - idleRate * elapsed;
        double perNodePerPut = busy / 1000.0 / host.nodes / puts;
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("nodes", host.nodes);
        h.put("withCache", host.withCache);
        h.put("cpuMicrosPerPutPerNode", perNodePerPut);
        h.put("idleCpuShare", idleRate);
        perHost.add(h);
        if (host.withCache == host.nodes) {
          withSum += perNodePerPut;
          withHosts++;
        } else if (host.withCache == 0) {
          withoutSum += perNodePerPut;
          withoutHosts++;
        }
      }
      out.put("nodeCpuMicrosPerPut_withCache", withHosts == 0 ? null : withSum / withHosts);
      out.put(
          "nodeCpuMicrosPerPut_withoutCache", withoutHosts == 0 ? null : withoutSum / withoutHosts);
      out.put("hosts", perHost);
      return out;
    }
  }

  private long[] hostCpu() throws Exception {
    long[] out = new long[hosts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = hosts.get(i).cpuNanos();
    }
    return out;
  }

  /** Puts from every thread for {@code seconds}; returns how many completed in that time. */
  private long run(int seconds) throws InterruptedException {
    LongAdder done = new LongAdder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int from = t * keysPerThread;
      Thread worker =
          new Thread(
              () -> {
                int next = 0;
                int generation = 1;
                while (System.nanoTime() < deadline) {
                  cache.put(keys[from + next], values[generation][from + next]);
                  if (System.nanoTime() <= deadline) {
                    done.increment();
                  }
                  if (++next == keysPerThread) {
                    next = 0;
                    generation ^= 1;
                  }
                }
              },
              "many-nodes-put-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return done.sum();
  }
}
