package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that every notification reaches the listener exactly once and in commit order, paced and
 * back to back, and prints (the benchmark suite, not this test, judges speed) how long after {@code
 * select pg_notify(...)} returns to the committing client the notification reaches the listener:
 * this client versus a pgjdbc {@code getNotifications(timeout)} loop on a dedicated connection,
 * paced at 1 ms and back-to-back. Negative values mean the listener had it before the sender's JDBC
 * call returned (the commit is visible to listeners before the sender has read its own answer); the
 * "from send start" figures, stamped just before the call, include the commit round trip and are
 * never negative.
 */
class ListenLatencyTest {

  private static final Logger LOG = LoggerFactory.getLogger(ListenLatencyTest.class);
  private static final int WARMUP = 300;
  private static final int MEASURED = 2_000;
  private static final int TOTAL = WARMUP + MEASURED;
  private static final long PACE_NANOS = 1_000_000;

  /** Stamps {@code received[i]} when payload {@code i} arrives until stopped. */
  private interface Receiver {
    void stop() throws Exception;
  }

  @Test
  void printLatencies() throws Exception {
    LOG.info(
        "latency from pg_notify commit-return to handler, {} notifications after {} warm-up, in µs:",
        MEASURED,
        WARMUP);
    for (boolean paced : new boolean[] {true, false}) {
      measure("ListenConnection", paced, this::eventDriven);
      measure("pgjdbc getNotifications(500)", paced, this::pgjdbcLoop);
    }
  }

  private interface ReceiverFactory {
    Receiver start(String channel, long[] received, AtomicInteger count) throws Exception;
  }

  private void measure(String name, boolean paced, ReceiverFactory factory) throws Exception {
    String channel = "latency_" + ListenConnectionTest.unique();
    long[] sending = new long[TOTAL];
    long[] sent = new long[TOTAL];
    long[] received = new long[TOTAL];
    AtomicInteger count = new AtomicInteger();
    Receiver receiver = factory.start(channel, received, count);
    try (Connection sender = TestDb.jdbc();
        PreparedStatement ps = sender.prepareStatement("select pg_notify(?, ?)")) {
      long start = System.nanoTime();
      for (int i = 0; i < TOTAL; i++) {
        if (paced) {
          waitUntil(start + i * PACE_NANOS);
        }
        ps.setString(1, channel);
        ps.setString(2, Integer.toString(i));
        sending[i] = System.nanoTime();
        ps.executeQuery().close();
        sent[i] = System.nanoTime();
      }
      long sendNanos = System.nanoTime() - start;
      await().atMost(Duration.ofSeconds(60)).until(() -> count.get() == TOTAL);
      long[] micros = new long[MEASURED];
      long[] fromSendStart = new long[MEASURED];
      for (int i = 0; i < MEASURED; i++) {
        micros[i] = (received[WARMUP + i] - sent[WARMUP + i]) / 1_000;
        fromSendStart[i] = (received[WARMUP + i] - sending[WARMUP + i]) / 1_000;
      }
      Arrays.sort(micros);
      Arrays.sort(fromSendStart);
      LOG.info(
          String.format(
              "%-28s %-12s p50 %6d  p90 %6d  p99 %6d  max %6d  min %6d"
                  + "  | from send start p50 %6d p99 %6d  (%,.0f commits/s)",
              name,
              paced ? "paced 1 ms" : "back-to-back",
              pct(micros, 50),
              pct(micros, 90),
              pct(micros, 99),
              micros[MEASURED - 1],
              micros[0],
              pct(fromSendStart, 50),
              pct(fromSendStart, 99),
              TOTAL / (sendNanos / 1e9)));
      assertThat(count.get()).isEqualTo(TOTAL);
      assertThat(received)
          .as(
              "%s, %s: every notification stamped, in commit order",
              name, paced ? "paced" : "back to back")
          .doesNotContain(0L)
          .isSorted();
    } finally {
      receiver.stop();
    }
  }

  private Receiver eventDriven(String channel, long[] received, AtomicInteger count)
      throws Exception {
    ListenConnection conn =
        ListenConnection.open(
            TestDb.target(),
            Duration.ofSeconds(10),
            new NotificationHandler() {
              @Override
              public void onNotification(int backendPid, String ch, String payload) {
                long now = System.nanoTime();
                received[Integer.parseInt(payload)] = now;
                count.incrementAndGet();
              }

              @Override
              public void onClosed(Throwable cause) {
                if (cause != null) {
                  LOG.warn("latency listener closed", cause);
                }
              }
            });
    conn.listen(channel, Duration.ofSeconds(10));
    return conn::close;
  }

  private Receiver pgjdbcLoop(String channel, long[] received, AtomicInteger count)
      throws Exception {
    Connection conn = TestDb.jdbc();
    try (Statement st = conn.createStatement()) {
      st.execute("LISTEN \"" + channel + "\"");
    }
    PGConnection pg = conn.unwrap(PGConnection.class);
    Thread loop =
        new Thread(
            () -> {
              try {
                while (count.get() < TOTAL && !Thread.currentThread().isInterrupted()) {
                  PGNotification[] batch = pg.getNotifications(500);
                  long now = System.nanoTime();
                  if (batch != null) {
                    for (PGNotification n : batch) {
                      received[Integer.parseInt(n.getParameter())] = now;
                      count.incrementAndGet();
                    }
                  }
                }
              } catch (SQLException e) {
                LOG.error("pgjdbc listener failed", e);
              }
            },
            "latency-pgjdbc-listener");
    loop.setDaemon(true);
    loop.start();
    return () -> {
      loop.interrupt();
      loop.join(5_000);
      conn.close();
    };
  }

  private static void waitUntil(long deadline) {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      if (left > 120_000) {
        LockSupport.parkNanos(left - 100_000);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
