package org.pgjcache.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node in a JVM of its own, for tests that need a process boundary (no shared static state) or a
 * heap limit of its own: runs a main class of the test class path, takes commands on its standard
 * input, one per line, and answers on its standard output; its standard error goes to a log that
 * failures quote.
 */
public final class ChildJvm implements AutoCloseable {

  private static final String EXITED = "exited";

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private final Writer commands;
  private final Thread reader;
  private final Path log;

  /**
   * Starts {@code mainClass} with the test class path.
   *
   * @param jvmOptions such as {@code -Xmx192m}
   * @param env added to the child's environment (connection settings, say)
   */
  public ChildJvm(
      String name,
      List<String> jvmOptions,
      Class<?> mainClass,
      List<String> args,
      Map<String, String> env)
      throws IOException {
    this.name = name;
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    log = Files.createTempFile("pgjcache-" + name, ".log");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().putAll(env);
    process = builder.start();
    commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("reader failed: " + e);
              }
              lines.add(EXITED);
            },
            name + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends one command line. */
  public void send(String command) throws IOException {
    commands.write(command + "\n");
    commands.flush();
  }

  /**
   * Waits for {@code line}, keeping the lines printed before it for later calls (events may come in
   * between); fails when the child prints a line starting with {@code failed}, exits, or stays
   * silent past {@code wait}, quoting what it printed and the end of its log.
   */
  public void expect(String line, Duration wait) throws Exception {
    if (seen.remove(line)) {
      return;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      String next = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line.equals(next)) {
        return;
      }
      if (next == null) {
        break;
      }
      seen.add(next);
      if (next.startsWith("failed") || next.equals(EXITED)) {
        break;
      }
    }
    throw new AssertionError(
        "the "
            + name
            + " JVM did not print '"
            + line
            + "' within "
            + wait
            + "; it printed "
            + seen
            + (process.isAlive() ? "" : " and exited with " + process.exitValue())
            + "; the end of its log:\n"
            + tail(Files.readString(log)));
  }

  /** Waits for the child to end by itself and returns its exit code. */
  public int exitCode(Duration wait) throws InterruptedException {
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the " + name + " JVM still runs after " + wait);
    }
    return process.exitValue();
  }

  /**
   * Asks the child to quit ({@code quit}, then end of input) and kills it if it does not in bounded
   * time.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      send("quit");
      commands.close();
    } catch (IOException e) {
      // the process has already ended; destroying it below is all that is left to do
      seen.add("quit not delivered: " + e);
    }
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(5_000);
    Files.deleteIfExists(log);
  }

  private static String tail(String text) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
  }
}
