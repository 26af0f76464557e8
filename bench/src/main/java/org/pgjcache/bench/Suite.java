package org.pgjcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.pgjcache.bench.jmh.BoundedBench;
import org.pgjcache.bench.jmh.BoundedMissBench;
import org.pgjcache.bench.jmh.BulkBench;
import org.pgjcache.bench.jmh.GetBench;
import org.pgjcache.bench.jmh.InvokeBench;
import org.pgjcache.bench.jmh.PutBench;
import org.pgjcache.bench.jmh.RawBatchBench;
import org.pgjcache.bench.jmh.RawBatchRelaxedBench;
import org.pgjcache.bench.jmh.RawReadBench;
import org.pgjcache.bench.jmh.RawWriteBench;
import org.pgjcache.bench.memory.BoundedAttach;
import org.pgjcache.bench.memory.ReplicaMemory;
import org.pgjcache.bench.peers.Peer;
import org.pgjcache.bench.peers.Redis;
import org.pgjcache.bench.propagation.Propagation;
import org.pgjcache.bench.report.RatioTable;
import org.pgjcache.testkit.TestDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole benchmark suite in one command: the JMH benchmarks of every workload on every
 * peer, then the propagation and replica-memory programs in JVMs of their own, then prints the
 * ratio table. All of it runs on one PostgreSQL (started here unless {@code
 * PGJCACHE_BENCH_JDBC_URL} names one) that the forked JVMs share.
 *
 * <p>Arguments: {@code -results DIR} (default {@code results}), {@code -quick} (one short iteration
 * each, for a smoke test), {@code -only REGEX} (JMH benchmarks whose name matches), {@code
 * -no-jmh}, {@code -no-propagation}, {@code -no-memory}, {@code -prof NAME} (a JMH profiler such as
 * {@code jfr}).
 */
public final class Suite {

  private static final Logger LOG = LoggerFactory.getLogger(Suite.class);

  /**
   * What the forks need beyond the class path: quiet logs, and the opens Hazelcast asks for on 17.
   */
  private static final List<String> FORK_ARGS =
      List.of(
          "-Xms1g",
          "-Xmx1g",
          "-XX:+UseG1GC",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-Dorg.slf4j.simpleLogger.log.org.pgjcache.testkit=warn",
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private Suite() {}

  public static void main(String[] args) throws Exception {
    if (relaunchedWithoutPgjcacheVariables(args)) {
      return;
    }
    Arguments a = Arguments.parse(args);
    Path results = Path.of(a.value("-results", "results")).toAbsolutePath();
    Files.createDirectories(results);
    long started = System.nanoTime();

    List<String> forkArgs = new ArrayList<>(FORK_ARGS);
    forkArgs.addAll(databaseArgs());
    TestDatabase server = BenchDatabase.server();
    if (server.kind().equals("embedded")) {
      BenchDatabase.makeDurable(server);
    }
    boolean redis = Redis.answers();
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put(
        "redis",
        redis
            ? "Redis at " + Redis.HOST + ":" + Redis.PORT
            : "skipped: no Redis at " + Redis.HOST + ":" + Redis.PORT);
    notes.put("quick", Boolean.toString(a.flag("-quick")));
    notes.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    notes.put("maxMemoryGiB", String.format("%.1f", totalMemoryBytes() / (1024.0 * 1024 * 1024)));
    notes.put(
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    notes.put("loadAverageAtStart", loadAverage());
    notes.put("postgres", server.kind() + " " + BenchDatabase.commitSettings(server));

    if (!a.flag("-no-jmh")) {
      runJmh(a, results, forkArgs, redis);
    }
    if (!a.flag("-no-propagation")) {
      runMain(Propagation.class, forkArgs, results, a.flag("-quick"), "-Xmx1g");
    }
    if (!a.flag("-no-memory")) {
      runMain(ReplicaMemory.class, forkArgs, results, a.flag("-quick"), "-Xmx6g");
      runMain(BoundedAttach.class, forkArgs, results, a.flag("-quick"), "-Xmx6g");
    }
    notes.put("loadAverageAtEnd", loadAverage());
    notes.put(
        "suiteSeconds", Long.toString(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)));
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(results.resolve("run.json").toFile(), notes);
    RatioTable.main(new String[] {results.toString()});
  }

  /**
   * pgjcache warns about every unknown {@code PGJCACHE_*} variable when a cache manager opens, and
   * forks inherit the environment, so every benchmark would log it. So when {@code
   * PGJCACHE_BENCH_*} or {@code PGJCACHE_TEST_*} variables are present, the suite runs again in a
   * child JVM without them, passing the server as system properties.
   *
   * @return whether the child ran the suite (this JVM then has nothing left to do)
   */
  private static boolean relaunchedWithoutPgjcacheVariables(String[] args) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    if (!env.keySet()
        .removeIf(n -> n.startsWith("PGJCACHE_BENCH_") || n.startsWith("PGJCACHE_TEST_"))) {
      return false;
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    String prefix =
        System.getenv(BenchDatabase.URL_ENV) != null ? "PGJCACHE_BENCH_" : "PGJCACHE_TEST_";
    addIfSet(command, BenchDatabase.URL_PROPERTY, System.getenv(prefix + "JDBC_URL"));
    addIfSet(command, BenchDatabase.USER_PROPERTY, System.getenv(prefix + "USER"));
    addIfSet(command, BenchDatabase.PASSWORD_PROPERTY, System.getenv(prefix + "PASSWORD"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Suite.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().clear();
    builder.environment().putAll(env);
    LOG.info(
        "running the suite without the PGJCACHE_BENCH_*/PGJCACHE_TEST_* variables, which"
            + " pgjcache's settings resolver would reject");
    int exit = builder.start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("the suite failed with exit code " + exit);
    }
    return true;
  }

  /** The system properties that point every fork at this run's server. */
  private static List<String> databaseArgs() {
    List<String> args = new ArrayList<>();
    if (System.getProperty(BenchDatabase.URL_PROPERTY) != null) {
      addIfSet(args, BenchDatabase.URL_PROPERTY, System.getProperty(BenchDatabase.URL_PROPERTY));
      addIfSet(args, BenchDatabase.USER_PROPERTY, System.getProperty(BenchDatabase.USER_PROPERTY));
      addIfSet(
          args,
          BenchDatabase.PASSWORD_PROPERTY,
          System.getProperty(BenchDatabase.PASSWORD_PROPERTY));
      LOG.info("benchmarks run on {}", BenchDatabase.server());
    } else {
      TestDatabase db = BenchDatabase.server();
      LOG.info("benchmarks run on {}", db);
      addIfSet(args, BenchDatabase.URL_PROPERTY, db.jdbcUrl());
      addIfSet(args, BenchDatabase.USER_PROPERTY, db.user());
      addIfSet(args, BenchDatabase.PASSWORD_PROPERTY, db.password());
    }
    return args;
  }

  private static void addIfSet(List<String> args, String property, String value) {
    if (value != null && !value.isEmpty()) {
      args.add("-D" + property + "=" + value);
    }
  }

  private static void runJmh(Arguments a, Path results, List<String> forkArgs, boolean redis)
      throws RunnerException, IOException {
    List<Class<?>> classes =
        List.of(
            GetBench.class,
            PutBench.class,
            BulkBench.class,
            InvokeBench.class,
            RawWriteBench.class,
            RawBatchBench.class,
            RawBatchRelaxedBench.class,
            RawReadBench.class,
            BoundedBench.class,
            BoundedMissBench.class);
    ObjectMapper json = new ObjectMapper();
    ArrayNode all = json.createArrayNode();
    String only = a.value("-only", null);
    for (Class<?> type : classes) {
      String pattern =
          "\\." + type.getSimpleName() + "\\." + (only == null ? "" : ".*(" + only + ")");
      File out = results.resolve("jmh-" + type.getSimpleName() + ".json").toFile();
      ChainedOptionsBuilder options =
          new OptionsBuilder()
              .include(pattern)
              .forks(1)
              .warmupIterations(a.flag("-quick") ? 1 : 2)
              .warmupTime(TimeValue.seconds(a.flag("-quick") ? 1 : 2))
              .measurementIterations(a.flag("-quick") ? 1 : 3)
              .measurementTime(TimeValue.seconds(a.flag("-quick") ? 1 : 2))
              .jvmArgs(forkArgs.toArray(new String[0]))
              .shouldFailOnError(false)
              .resultFormat(ResultFormatType.JSON)
              .result(out.getPath());
      List<String> impls = implementations(type, redis);
      String chosen = a.value("-impls", null);
      if (impls != null && chosen != null) {
        impls.retainAll(List.of(chosen.split(",")));
        if (impls.isEmpty()) {
          continue;
        }
      }
      if (impls != null) {
        options.param("impl", impls.toArray(new String[0]));
      }
      String profiler = a.value("-prof", null);
      if (profiler != null) {
        int colon = profiler.indexOf(':');
        if (colon < 0) {
          options.addProfiler(profiler);
        } else {
          options.addProfiler(profiler.substring(0, colon), profiler.substring(colon + 1));
        }
      }
      try {
        new Runner(options.build()).run();
      } catch (NoBenchmarksException e) {
        continue;
      }
      if (out.exists()) {
        JsonNode part = json.readTree(out);
        part.forEach(all::add);
        Files.delete(out.toPath());
      }
    }
    json.writerWithDefaultPrettyPrinter().writeValue(results.resolve("jmh.json").toFile(), all);
  }

  /** The peers a benchmark class runs on here; null when it has no {@code impl} parameter. */
  private static List<String> implementations(Class<?> type, boolean redis) {
    List<String> impls;
    if (type == PutBench.class) {
      impls =
          new ArrayList<>(
              List.of(
                  Peer.PGJCACHE,
                  Peer.PGJCACHE_RELAXED,
                  Peer.CAFFEINE,
                  Peer.REDISSON,
                  Peer.HAZELCAST));
    } else if (type == RawWriteBench.class
        || type == RawBatchBench.class
        || type == RawBatchRelaxedBench.class
        || type == RawReadBench.class
        || type == BoundedMissBench.class) {
      return null;
    } else if (type == BoundedBench.class) {
      return new ArrayList<>(
          List.of(Peer.PGJCACHE_BOUNDED, Peer.CAFFEINE, BoundedBench.CAFFEINE_BOUNDED));
    } else {
      impls = new ArrayList<>(List.of(Peer.PGJCACHE, Peer.CAFFEINE, Peer.REDISSON, Peer.HAZELCAST));
    }
    if (!redis) {
      LOG.warn("skipped: no Redis at {}:{}; Redisson is left out", Redis.HOST, Redis.PORT);
      impls.remove(Peer.REDISSON);
    }
    return impls;
  }

  /** Runs a measuring program in a JVM of its own, on the same database, and waits for it. */
  private static void runMain(
      Class<?> main, List<String> forkArgs, Path results, boolean quick, String heap)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : forkArgs) {
      command.add(arg.startsWith("-Xmx") || arg.startsWith("-Xms") ? heap : arg);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.add(results.toString());
    if (quick) {
      command.add("-quick");
    }
    LOG.info("running {}", main.getSimpleName());
    Process process = new ProcessBuilder(command).inheritIO().start();
    int exit = process.waitFor();
    if (exit != 0) {
      LOG.error("{} exited with {}", main.getSimpleName(), exit);
    }
  }

  /**
   * The one-minute load average: other work on the machine skews every figure, so it is recorded.
   */
  private static String loadAverage() {
    return String.format(
        java.util.Locale.ROOT,
        "%.1f",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static long totalMemoryBytes() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** Minimal parsing of {@code -name value} and {@code -flag} arguments. */
  record Arguments(List<String> args) {
    static Arguments parse(String[] args) {
      return new Arguments(List.of(args));
    }

    boolean flag(String name) {
      return args.contains(name);
    }

    String value(String name, String fallback) {
      int at = args.lastIndexOf(name);
      return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : fallback;
    }
  }
}
