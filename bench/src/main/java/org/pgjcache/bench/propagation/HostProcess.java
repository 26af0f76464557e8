package org.pgjcache.bench.propagation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pgjcache.bench.BenchDatabase;

/**
 * {@link ManyNodes}' handle on one {@link NodeHost} JVM: starts it, sends commands, reads replies.
 */
final class HostProcess implements AutoCloseable {

  private final Process process;
  private final PrintStream commands;
  private final BufferedReader replies;
  final int nodes;
  final int withCache;

  private HostProcess(Process process, int nodes, int withCache) {
    this.process = process;
    this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.replies =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.nodes = nodes;
    this.withCache = withCache;
  }

  /**
   * Starts a JVM with {@code nodes} nodes, the first {@code withCache} of them with the cache open.
   */
  static HostProcess start(
      BenchDatabase db, int nodes, int withCache, String cache, String other, int poolSize)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            System.getProperty("java.class.path"),
            NodeHost.class.getName(),
            db.jdbcUrl(),
            db.user(),
            db.password() == null || db.password().isEmpty() ? "-" : db.password(),
            Integer.toString(nodes),
            Integer.toString(withCache),
            cache,
            other,
            Integer.toString(poolSize)));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(n -> n.startsWith("PGJCACHE_"));
    return new HostProcess(builder.start(), nodes, withCache);
  }

  /** Waits until the host has opened its nodes. */
  void awaitUp() throws IOException {
    expectReply("up");
  }

  /** The listeners record updates {@code first ..} from now on. */
  void expect(int first, int count) throws IOException {
    commands.println("expect " + first + " " + count);
    expectReply("ok");
  }

  /** Each listener's receipt times of the expected updates (0: not heard within {@code millis}). */
  List<long[]> collect(long millis) throws IOException {
    commands.println("collect " + millis);
    List<long[]> out = new ArrayList<>();
    String line;
    while (!(line = read()).equals("end")) {
      String[] parts = line.split(" ");
      long[] times = new long[parts.length - 1];
      for (int i = 1; i < parts.length; i++) {
        times[i - 1] = Long.parseLong(parts[i]);
      }
      out.add(times);
    }
    return out;
  }

  /** The host's CPU time so far, in nanoseconds. */
  long cpuNanos() throws IOException {
    commands.println("cpu");
    String line = read();
    if (!line.startsWith("cpu ")) {
      throw new IOException("unexpected reply: " + line);
    }
    return Long.parseLong(line.substring(4));
  }

  private void expectReply(String wanted) throws IOException {
    String line = read();
    if (!line.equals(wanted)) {
      throw new IOException("expected '" + wanted + "', got: " + line);
    }
  }

  private String read() throws IOException {
    String line = replies.readLine();
    if (line == null) {
      throw new IOException("the node host exited");
    }
    return line;
  }

  @Override
  public void close() throws InterruptedException {
    commands.println("quit");
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroy();
    }
  }
}
