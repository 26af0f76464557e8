package org.pgjcache.bench.propagation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;
import org.pgjcache.bench.peers.PgjcachePeer;

/**
 * Issue 14, point 3: what many listening nodes cost. PostgreSQL wakes every listening backend for
 * every notification, so with 1, 8 and 32 nodes (cache managers with {@code shared-backend=false},
 * the writer in this JVM and the others {@value #DEFAULT_PER_JVM} to a {@link NodeHost} JVM) this
 * measures the put throughput of 8 threads on the writer, and the propagation from a put's return
 * to the listener of every other node, paced (one put every 1 ms) and back to back. A last layout
 * has 32 nodes of which only 2 have the cache open (the others another cache): what the others'
 * JVMs spend on notifications they do not need. Writes {@code many-nodes.json} to the results
 * directory and prints a summary.
 *
 * <p>Arguments (all optional): {@code -results DIR}, {@code -nodes 1,8,32}, {@code -opened 2} (0:
 * skip that layout), {@code -seconds 10} and {@code -warmup 5} (throughput), {@code -updates 2000}
 * (per propagation series), {@code -per-jvm 8}, {@code -pool 2} (pool size of the listening nodes).
 */
public final class ManyNodes {

  private static final int DEFAULT_PER_JVM = 8;
  private static final int THREADS = 8;
  private static final int KEYS_PER_THREAD = 64;
  private static final int PROPAGATION_KEYS = 100;
  private static final long COLLECT_MILLIS = 30_000;
  private static final String CACHE = "many-nodes";
  private static final String OTHER = "many-nodes-other";

  private final Options options;

  private ManyNodes(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    String envUrl = System.getenv(BenchDatabase.URL_ENV);
    if (envUrl != null && System.getProperty(BenchDatabase.URL_PROPERTY) == null) {
      System.setProperty(BenchDatabase.URL_PROPERTY, envUrl);
      setIfPresent(BenchDatabase.USER_PROPERTY, System.getenv(BenchDatabase.USER_ENV));
      setIfPresent(BenchDatabase.PASSWORD_PROPERTY, System.getenv(BenchDatabase.PASSWORD_ENV));
    }
    if (System.getProperty(BenchDatabase.URL_PROPERTY) == null) {
      BenchDatabase.makeDurable(BenchDatabase.server());
    }
    ManyNodes run = new ManyNodes(options);
    List<Map<String, Object>> layouts = new ArrayList<>();
    for (int nodes : options.nodes) {
      layouts.add(run.layout(nodes, nodes));
    }
    if (options.opened > 0) {
      layouts.add(run.layout(options.nodes[options.nodes.length - 1], options.opened));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("options", options.describe());
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    out.put("postgres", BenchDatabase.commitSettings(BenchDatabase.server()));
    out.put("layouts", layouts);
    Files.createDirectories(options.results);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(options.results.resolve("many-nodes.json").toFile(), out);
    System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    System.exit(0);
  }

  private static void setIfPresent(String property, String value) {
    if (value != null) {
      System.setProperty(property, value);
    }
  }

  /**
   * One layout: {@code nodes} nodes in all, of which {@code opened} (the writer included) have the
   * cache.
   */
  private Map<String, Object> layout(int nodes, int opened) throws Exception {
    System.out.printf("== %d nodes, %d with the cache%n", nodes, opened);
    BenchDatabase db = BenchDatabase.fresh("many_nodes");
    Properties writerProperties = PgjcachePeer.properties(db);
    CacheManager writer = PgjcachePeer.node(writerProperties, "writer");
    MutableConfiguration<Long, String> config =
        new MutableConfiguration<Long, String>().setTypes(Long.class, String.class);
    Cache<Long, String> cache = writer.createCache(CACHE, config);
    List<HostProcess> hosts = startHosts(db, nodes - 1, opened - 1);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodes", nodes);
    out.put("withCache", opened);
    out.put("jvms", 1 + hosts.size());
    try {
      out.put(
          "throughput",
          new Throughput(cache, hosts, db, THREADS, KEYS_PER_THREAD)
              .measure(options.warmup, options.seconds));
      if (opened > 1) {
        new Series(cache, hosts, PROPAGATION_KEYS)
            .run(0, Math.min(500, options.updates), false, COLLECT_MILLIS);
        int first = 1_000;
        List<Map<String, Object>> series = new ArrayList<>();
        for (boolean paced : new boolean[] {true, false}) {
          series.add(
              new Series(cache, hosts, PROPAGATION_KEYS)
                  .run(first, options.updates, paced, COLLECT_MILLIS));
          first += options.updates;
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        out.put("propagation", series);
      }
    } finally {
      for (HostProcess host : hosts) {
        host.close();
      }
      writer.close();
    }
    System.out.println(out);
    return out;
  }

  /**
   * Spreads {@code nodes} over JVMs of at most {@code perJvm}; the first {@code withCache} open it.
   */
  private List<HostProcess> startHosts(BenchDatabase db, int nodes, int withCache)
      throws Exception {
    List<HostProcess> hosts = new ArrayList<>();
    int left = nodes;
    int cacheLeft = withCache;
    int jvms = (nodes + options.perJvm - 1) / options.perJvm;
    for (int j = 0; j < jvms; j++) {
      int here = left / (jvms - j) + (left % (jvms - j) == 0 ? 0 : 1);
      int open = Math.min(here, cacheLeft);
      hosts.add(HostProcess.start(db, here, open, CACHE, OTHER, options.pool));
      left -= here;
      cacheLeft -= open;
    }
    for (HostProcess host : hosts) {
      host.awaitUp();
    }
    return hosts;
  }

  /**
   * Values whose first digits are the update's sequence number, as {@link ProbeListener} reads
   * them.
   */
  static String value(int seq) {
    return Data.value(Integer.toString(seq));
  }

  /** The program's arguments. */
  record Options(
      Path results,
      int[] nodes,
      int opened,
      int seconds,
      int warmup,
      int updates,
      int perJvm,
      int pool) {

    static Options parse(String[] args) {
      List<String> a = List.of(args);
      String[] nodes = value(a, "-nodes", "1,8,32").split(",");
      int[] counts = new int[nodes.length];
      for (int i = 0; i < nodes.length; i++) {
        counts[i] = Integer.parseInt(nodes[i].trim());
      }
      return new Options(
          Path.of(value(a, "-results", "results")),
          counts,
          Integer.parseInt(value(a, "-opened", "2")),
          Integer.parseInt(value(a, "-seconds", "10")),
          Integer.parseInt(value(a, "-warmup", "5")),
          Integer.parseInt(value(a, "-updates", "2000")),
          Integer.parseInt(value(a, "-per-jvm", Integer.toString(DEFAULT_PER_JVM))),
          Integer.parseInt(value(a, "-pool", "2")));
    }

    private static String value(List<String> args, String name, String fallback) {
      int at = args.lastIndexOf(name);
      return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : fallback;
    }

    Map<String, Object> describe() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("nodes", nodes);
      out.put("opened", opened);
      out.put("seconds", seconds);
      out.put("warmupSeconds", warmup);
      out.put("updatesPerSeries", updates);
      out.put("nodesPerJvm", perJvm);
      out.put("listeningNodePoolSize", pool);
      out.put("threads", THREADS);
      return out;
    }
  }
}
