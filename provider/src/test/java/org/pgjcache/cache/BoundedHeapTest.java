package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, point 5: a node with {@code max-entries=10000} on a cache of 2,000,000 rows runs in a
 * 192 MB heap. The node runs in a JVM of its own ({@link BoundedHeapNodeMain}, {@code -Xmx192m}, ended
 * by any {@code OutOfMemoryError}); it attaches, makes 400,000 random and Zipf-like reads checking every
 * value, sees and hears the changes another node (this JVM) makes to 500 keys it holds and 500 it never
 * read, and iterates the whole cache checking every value. The rows are written by SQL in pgjcache's
 * encoding (key {@code s:<text>}, value tag 2 + UTF-8), far faster than putAll.
 */
class BoundedHeapTest {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedHeapTest.class);
  private static final long ROWS = 2_000_000;
  private static final int READS = 400_000;
  private static final int MAX_ENTRIES = 10_000;
  private static final Duration WAIT = Duration.ofMinutes(3);

  @Test
  void aBoundedNodeServesTwoMillionRowsInA192MbHeap() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("bounded_heap")) {
      Properties other = nodes.properties();
      other.setProperty("pgjcache.max-entries", "1000");
      Cache<String, String> writer = nodes.node("writer", other).createCache(
          BoundedHeapNodeMain.CACHE,
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      fill(nodes);

      Child child = new Child(nodes);
      try {
        child.expect("ready");
        Map<String, String> changes = new HashMap<>();
        long cold = BoundedHeapNodeMain.coldFrom(ROWS);
        for (int i = 0; i < BoundedHeapNodeMain.HOT; i++) {
          changes.put("k" + i, BoundedHeapNodeMain.changed(i));
          changes.put("k" + (cold + i), BoundedHeapNodeMain.changed(cold + i));
        }
        writer.putAll(changes);
        child.send("check");
        child.expect("done");
        assertThat(child.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(child.process.exitValue()).as("the node's exit code").isZero();
      } finally {
        child.stop();
      }
    }
  }

  /** Writes the rows in pgjcache's encoding: what {@link BoundedHeapNodeMain#value} expects. */
  private static void fill(Nodes nodes) throws Exception {
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(),
        nodes.password()); Statement st = c.createStatement()) {
      st.executeUpdate("insert into pgjcache_entries (cache, key, value, rev) select '"
          + BoundedHeapNodeMain.CACHE + "', 's:k' || g, '\\x02'::bytea || convert_to(v || repeat('x',"
          + " 100 - length(v)), 'UTF8'), nextval('pgjcache_entries_rev')"
          + " from generate_series(0, " + (ROWS - 1) + ") g, lateral (select 'v' || g || '-' as v) h");
      st.execute("analyze pgjcache_entries");
    }
    LOG.info("wrote {} rows by SQL in {} ms", ROWS, (System.nanoTime() - t0) / 1_000_000);
  }

  /** The node under test: its process, its lines, and its stdin. */
  private static final class Child {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> seen = new ArrayList<>();
    final Writer commands;
    final Path log;

    Child(Nodes nodes) throws IOException {
      String java = ProcessHandle.current().info().command()
          .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator
              + "java");
      log = Files.createTempFile("pgjcache-bounded-heap", ".log");
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx192m",
          "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
          BoundedHeapNodeMain.class.getName(), Long.toString(ROWS), Integer.toString(READS),
          Integer.toString(MAX_ENTRIES)).redirectError(log.toFile());
      builder.environment().put("HEAP_TEST_URL", nodes.jdbcUrl());
      builder.environment().put("HEAP_TEST_USER", nodes.user());
      builder.environment().put("HEAP_TEST_PASSWORD", nodes.password() == null ? ""
          : nodes.password());
      process = builder.start();
      commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            LOG.info("bounded node: {}", line);
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("reader failed: " + e);
        }
        lines.add("exited");
      }, "bounded-heap-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void send(String command) throws IOException {
      commands.write(command + "\n");
      commands.flush();
    }

    /** Waits for {@code line}; fails on the node's failure, exit, or silence past the deadline. */
    void expect(String line) throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        String next = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line.equals(next)) {
          return;
        }
        if (next == null) {
          break;
        }
        seen.add(next);
        if (next.startsWith("failed") || next.equals("exited")) {
          break;
        }
      }
      throw new AssertionError("the bounded node did not print '" + line + "'; it printed " + seen
          + (process.isAlive() ? "" : " and exited with " + process.exitValue())
          + "; its log:\n" + tail(Files.readString(log)));
    }

    void stop() throws IOException, InterruptedException {
      commands.close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(log);
    }

    private static String tail(String text) {
      List<String> all = text.lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    }
  }
}
