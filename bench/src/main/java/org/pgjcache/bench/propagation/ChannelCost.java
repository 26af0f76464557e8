package org.pgjcache.bench.propagation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.pgjcache.backend.postgres.listen.ListenConnection;
import org.pgjcache.backend.postgres.listen.ListenTarget;
import org.pgjcache.backend.postgres.listen.NotificationHandler;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;

/**
 * What a listening backend costs PostgreSQL per notification when it listens on the notified
 * channel, and when it listens on another one (as a node would with a channel per cache group):
 * bare event-driven LISTEN connections that count what they hear, one writer committing {@code
 * pg_notify} back to back, and the CPU of the listening backends per notification. Issue 14, point
 * 3: whether a separate channel spares the server the wake-ups of nodes that do not have the cache.
 *
 * <p>Arguments (optional): {@code -results DIR}, {@code -listeners 31}, {@code -seconds 5}.
 */
public final class ChannelCost {

  private static final String CHANNEL = "bench_channel_cost";
  private static final String OTHER = "bench_channel_cost_other";

  private ChannelCost() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    Path results = Path.of(value(a, "-results", "results"));
    int listeners = Integer.parseInt(value(a, "-listeners", "31"));
    int seconds = Integer.parseInt(value(a, "-seconds", "5"));
    if (System.getProperty(BenchDatabase.URL_PROPERTY) == null) {
      BenchDatabase.makeDurable(BenchDatabase.server());
    }
    BenchDatabase db = BenchDatabase.fresh("channel_cost");
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(layout(db, 0, CHANNEL, seconds));
    out.add(layout(db, listeners, CHANNEL, seconds));
    out.add(layout(db, listeners, OTHER, seconds));
    out.add(layout(db, listeners, CHANNEL, seconds));
    out.add(layout(db, listeners, OTHER, seconds));
    Files.createDirectories(results);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(results.resolve("channel-cost.json").toFile(), out);
    System.exit(0);
  }

  private static Map<String, Object> layout(
      BenchDatabase db, int listeners, String channel, int seconds) throws Exception {
    LongAdder heard = new LongAdder();
    List<ListenConnection> connections = new ArrayList<>();
    ListenTarget target = ListenTarget.fromJdbcUrl(db.jdbcUrl(), db.user(), db.password());
    NotificationHandler handler =
        new NotificationHandler() {
          @Override
          public void onNotification(int backendPid, String ch, String payload) {
            heard.increment();
          }

          @Override
          public void onClosed(Throwable cause) {}
        };
    try (Connection monitor = db.connect();
        Connection writer = db.connect();
        PreparedStatement notify = writer.prepareStatement("select pg_notify(?, ?)")) {
      for (int i = 0; i < listeners; i++) {
        ListenConnection c = ListenConnection.open(target, Duration.ofSeconds(10), handler);
        c.listen(channel, Duration.ofSeconds(10));
        connections.add(c);
      }
      Set<Integer> notListening = new HashSet<>(List.of(pid(monitor), pid(writer)));
      String payload = ":" + Data.value("payload").repeat(2);
      notify.setString(1, CHANNEL);
      notify.setString(2, payload);
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < warmEnd) {
        notify.executeQuery().close();
      }
      Map<Integer, Long> before = ServerCpu.snapshot(monitor);
      long heardBefore = heard.sum();
      long started = System.nanoTime();
      long end = started + TimeUnit.SECONDS.toNanos(seconds);
      long sent = 0;
      while (System.nanoTime() < end) {
        notify.executeQuery().close();
        sent++;
      }
      long elapsed = System.nanoTime() - started;
      Thread.sleep(500);
      Map<Integer, Long> after = ServerCpu.snapshot(monitor);
      long listenCpu = 0;
      long writerCpu = 0;
      for (Map.Entry<Integer, Long> e : after.entrySet()) {
        Long start = before.get(e.getKey());
        if (start == null) {
          continue;
        }
        if (notListening.contains(e.getKey())) {
          writerCpu += e.getValue() - start;
        } else {
          listenCpu += e.getValue() - start;
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("listeners", listeners);
      out.put("listenChannel", channel.equals(CHANNEL) ? "the notified one" : "another one");
      out.put("notifies", sent);
      out.put("notifiesPerSecond", sent / (elapsed / 1e9));
      out.put(
          "heardPerListener",
          listeners == 0 ? 0 : (heard.sum() - heardBefore) / (double) listeners);
      out.put("writerBackendCpuMicrosPerNotify", writerCpu / 1000.0 / sent);
      out.put("listeningBackendsCpuMicrosPerNotify", listenCpu / 1000.0 / sent);
      out.put(
          "perListeningBackendCpuMicrosPerNotify",
          listeners == 0 ? null : listenCpu / 1000.0 / sent / listeners);
      System.out.println(out);
      return out;
    } finally {
      for (ListenConnection c : connections) {
        c.close();
      }
    }
  }

  private static int pid(Connection c) throws java.sql.SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String value(List<String> args, String name, String fallback) {
    int at = args.lastIndexOf(name);
    return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : fallback;
  }
}
