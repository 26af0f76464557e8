package org.pgjcache.bench.propagation;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.bench.peers.PgjcachePeer;

/**
 * A child JVM of {@link ManyNodes}: opens several nodes (cache managers with their own pool and
 * LISTEN connection), some with the measured cache and a listener on it, the others with another
 * cache only, and answers {@link ManyNodes}' commands on its standard input, one line each, on its
 * standard output: {@code expect FIRST COUNT} (the listeners record updates FIRST.. from now on),
 * {@code collect MILLIS} (waits for them, then prints one {@code heard} line of receipt times per
 * listener and {@code end}), {@code cpu} (this process's CPU time in ns) and {@code quit}.
 *
 * <p>Arguments: JDBC URL, user, password ({@code -} for none), nodes, of which with the cache, the
 * cache's name, the other cache's name, the pool size of each node.
 */
public final class NodeHost {

  private NodeHost() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc-url", args[0]);
    properties.setProperty("pgjcache.user", args[1]);
    if (!args[2].equals("-")) {
      properties.setProperty("pgjcache.password", args[2]);
    }
    properties.setProperty("pgjcache.shared-backend", "false");
    properties.setProperty("pgjcache.pool-size", args[7]);
    int nodes = Integer.parseInt(args[3]);
    int withCache = Integer.parseInt(args[4]);
    List<CacheManager> managers = new ArrayList<>();
    List<ProbeListener> listeners = new ArrayList<>();
    MutableConfiguration<Long, String> config =
        new MutableConfiguration<Long, String>().setTypes(Long.class, String.class);
    for (int i = 0; i < nodes; i++) {
      CacheManager manager = PgjcachePeer.node(properties, "host-" + i);
      managers.add(manager);
      if (i < withCache) {
        ProbeListener listener = new ProbeListener();
        manager
            .createCache(args[5], config)
            .registerCacheEntryListener(
                new MutableCacheEntryListenerConfiguration<>(
                    new ProbeListener.Factory(listener), null, false, false));
        listeners.add(listener);
      } else {
        manager.createCache(args[6], config);
      }
    }
    out.println("up");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] command = line.trim().split(" ");
      switch (command[0]) {
        case "expect" -> {
          int first = Integer.parseInt(command[1]);
          int count = Integer.parseInt(command[2]);
          for (ProbeListener listener : listeners) {
            Probe probe = new Probe(count);
            probe.expect(first);
            listener.target = probe;
          }
          out.println("ok");
        }
        case "collect" -> {
          long millis = Long.parseLong(command[1]);
          for (ProbeListener listener : listeners) {
            Probe probe = listener.target;
            probe.await(millis);
            StringBuilder heard = new StringBuilder("heard");
            for (long t : probe.receivedTimes()) {
              heard.append(' ').append(t);
            }
            out.println(heard);
          }
          out.println("end");
        }
        case "cpu" -> out.println("cpu " + cpuNanos());
        case "quit" -> {
          for (CacheManager manager : managers) {
            manager.close();
          }
          out.println("bye");
          System.exit(0);
        }
        default -> out.println("unknown " + line);
      }
    }
    System.exit(0);
  }

  /** This process's CPU time (all threads, user and system), in nanoseconds. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
