package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;

/** Two nodes in two JVM processes on one database see each other's writes and events. */
class SeparateJvmTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The other JVM: its process, the lines it printed, and a way to send it commands. */
  private static final class Remote {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> seen = new ArrayList<>();
    final Writer commands;
    final Thread reader;
    final Path log;

    Remote(Nodes nodes, String cache) throws IOException {
      String java = ProcessHandle.current().info().command()
          .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator
              + "java");
      log = Files.createTempFile("pgjcache-remote-node", ".log");
      ProcessBuilder builder = new ProcessBuilder(java, "-cp",
          System.getProperty("java.class.path"), RemoteNodeMain.class.getName(), cache)
          .redirectError(log.toFile());
      builder.environment().put("SYNC_TEST_URL", nodes.jdbcUrl());
      builder.environment().put("SYNC_TEST_USER", nodes.user());
      builder.environment().put("SYNC_TEST_PASSWORD", nodes.password() == null ? ""
          : nodes.password());
      process = builder.start();
      commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("reader failed: " + e);
        }
      }, "remote-node-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void send(String command) throws IOException {
      commands.write(command + "\n");
      commands.flush();
    }

    /** Waits for a line, remembering the ones before it (events may come in between). */
    void expect(String line) throws Exception {
      if (seen.remove(line)) {
        return;
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        String next = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line.equals(next)) {
          return;
        }
        if (next != null) {
          seen.add(next);
        }
      }
      throw new AssertionError("the other JVM did not print '" + line + "' within " + WAIT
          + "; it printed " + seen + "; its log:\n" + Files.readString(log));
    }

    /** Asks the other JVM to quit, and kills it if it does not within a bounded time. */
    void stop() throws IOException, InterruptedException {
      try {
        send("quit");
        commands.close();
      } catch (IOException e) {
        // the process already ended; destroying it below is all that is left to do
        seen.add("quit not delivered: " + e);
      }
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(5_000);
      Files.deleteIfExists(log);
    }
  }

  @Test
  void writesAndEventsCrossTheProcessBoundaryBothWays() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("twojvms")) {
      CacheManager here = nodes.node("here");
      Recorder heard = new Recorder();
      Cache<String, String> cache = here.createCache("c", new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class)
          .addCacheEntryListenerConfiguration(heard.configuration()));
      Remote remote = new Remote(nodes, "c");
      try {
        remote.expect("ready");

        cache.put("x", "1");
        remote.expect("event CREATED x 1");
        cache.put("x", "2");
        remote.expect("event UPDATED x 2");

        remote.send("put y 3");
        remote.expect("ok");
        await().atMost(WAIT).until(() -> "3".equals(cache.get("y")));
        remote.send("remove x");
        remote.expect("ok");
        await().atMost(WAIT).until(() -> cache.get("x") == null);
        assertThat(heard.events()).containsExactly(
            new Event(EventType.CREATED, "x", "1", null),
            new Event(EventType.UPDATED, "x", "2", "1"),
            new Event(EventType.CREATED, "y", "3", null),
            new Event(EventType.REMOVED, "x", "2", "2"));

        cache.remove("y");
        remote.expect("event REMOVED y 3");
        remote.send("get y");
        remote.expect("value y null");
      } finally {
        remote.stop();
      }
    }
  }
}
