package org.pgjcache.bench.propagation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.backend.postgres.listen.ListenConnection;
import org.pgjcache.backend.postgres.listen.ListenTarget;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;
import org.pgjcache.bench.peers.PgjcachePeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workload 5: how long after a put returns on node A a listener on node B hears of it, paced (one
 * update every millisecond) and back to back, next to a bare NOTIFY received by pgjdbc's {@code
 * getNotifications(timeout)} loop and by the event-driven {@link ListenConnection}, on the same
 * database in the same run. Writes {@code propagation.json} to the results directory.
 */
public final class Propagation {

  private static final Logger LOG = LoggerFactory.getLogger(Propagation.class);
  private static final int KEYS = 100;
  private static final String RAW_CHANNEL = "bench_propagation";
  private static final long AWAIT_MILLIS = 30_000;

  private final BenchDatabase db;
  private final int updates;
  private final int warmup;
  private final String[] values;
  private final Long[] keys = Data.keys(KEYS);

  private Propagation(BenchDatabase db, int updates, int warmup) {
    this.db = db;
    this.updates = updates;
    this.warmup = warmup;
    int total = warmup + 4 * updates + 1;
    values = new String[total];
    for (int i = 0; i < total; i++) {
      values[i] = Data.value(Integer.toString(i));
    }
  }

  public static void main(String[] args) throws Exception {
    Path results = Path.of(args.length > 0 ? args[0] : "results");
    boolean quick = List.of(args).contains("-quick");
    Propagation run =
        new Propagation(
            BenchDatabase.fresh("propagation"), quick ? 1_000 : 5_000, quick ? 300 : 1_000);
    List<Map<String, Object>> series = new ArrayList<>();
    series.addAll(run.pgjcache(false));
    series.addAll(run.pgjcache(true));
    series.addAll(run.rawNotify());
    Files.createDirectories(results);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("updatesPerSeries", run.updates);
    out.put("series", series);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(results.resolve("propagation.json").toFile(), out);
    for (Map<String, Object> s : series) {
      LOG.info("{}", s);
    }
    System.exit(0);
  }

  /** Put on node A, a CREATED/UPDATED listener on node B (asynchronous or synchronous). */
  private List<Map<String, Object>> pgjcache(boolean synchronous) throws Exception {
    String receiver =
        synchronous ? "synchronous listener on node B" : "asynchronous listener on node B";
    CacheManager a = PgjcachePeer.node(PgjcachePeer.properties(db), "a");
    CacheManager b = PgjcachePeer.node(PgjcachePeer.properties(db), "b");
    try {
      String name = "propagation-" + (synchronous ? "sync" : "async");
      MutableConfiguration<Long, String> config =
          new MutableConfiguration<Long, String>().setTypes(Long.class, String.class);
      Cache<Long, String> onA = a.createCache(name, config);
      Cache<Long, String> onB = b.createCache(name, config);
      ProbeListener listener = new ProbeListener();
      onB.registerCacheEntryListener(
          new MutableCacheEntryListenerConfiguration<>(
              new ProbeListener.Factory(listener), null, false, synchronous));
      List<Map<String, Object>> out = new ArrayList<>();
      int seq = 0;
      Probe warm = new Probe(warmup);
      listener.target = warm;
      warm.expect(seq);
      final int warmFrom = seq;
      warm.run(warmFrom, false, i -> onA.put(keys[i % KEYS], values[i]));
      warm.await(AWAIT_MILLIS);
      seq += warmup;
      for (boolean paced : new boolean[] {true, false}) {
        Probe probe = new Probe(updates);
        probe.expect(seq);
        listener.target = probe;
        probe.run(seq, paced, i -> onA.put(keys[i % KEYS], values[i]));
        if (!probe.await(AWAIT_MILLIS)) {
          LOG.warn("pgjcache {}: only part of the updates arrived", receiver);
        }
        out.add(probe.summary("pgjcache put", receiver, paced));
        seq += updates;
        quiet();
      }
      return out;
    } finally {
      b.close();
      a.close();
    }
  }

  /**
   * A bare {@code pg_notify} committed by one connection, received at once by pgjdbc's polling loop
   * and by the event-driven client, each on a connection of its own.
   */
  private List<Map<String, Object>> rawNotify() throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection writer = db.connect();
        PgjdbcReceiver pgjdbc = new PgjdbcReceiver(db.connect(), RAW_CHANNEL);
        EventDrivenReceiver eventDriven =
            new EventDrivenReceiver(
                ListenTarget.fromJdbcUrl(db.jdbcUrl(), db.user(), db.password()), RAW_CHANNEL);
        PreparedStatement notify = writer.prepareStatement("select pg_notify(?, ?)")) {
      try (Statement st = writer.createStatement()) {
        st.execute("select 1");
      }
      String padding = ":" + Data.value("payload").repeat(2);
      Probe.Write write =
          i -> {
            notify.setString(1, RAW_CHANNEL);
            notify.setString(2, i + padding);
            notify.executeQuery().close();
          };
      int seq = 1_000_000;
      bothHear(warmup, seq, false, write, pgjdbc, eventDriven);
      seq += warmup;
      for (boolean paced : new boolean[] {true, false}) {
        Probe[] heard = bothHear(updates, seq, paced, write, pgjdbc, eventDriven);
        Probe byPgjdbc = heard[0];
        Probe byEvents = heard[1];
        out.add(byPgjdbc.summary("bare NOTIFY", "pgjdbc getNotifications(timeout) loop", paced));
        out.add(byEvents.summary("bare NOTIFY", "event-driven ListenConnection", paced));
        seq += updates;
        quiet();
      }
    }
    return out;
  }

  /**
   * Writes {@code count} notifications from {@code seq} on and waits until both receivers heard
   * them; returns their probes (pgjdbc's, then the event-driven one, which shares the first one's
   * write times).
   */
  private static Probe[] bothHear(
      int count,
      int seq,
      boolean paced,
      Probe.Write write,
      PgjdbcReceiver pgjdbc,
      EventDrivenReceiver eventDriven)
      throws Exception {
    Probe byPgjdbc = new Probe(count);
    Probe byEvents = new Probe(count);
    byPgjdbc.expect(seq);
    byEvents.expect(seq);
    pgjdbc.target = byPgjdbc;
    eventDriven.target = byEvents;
    byPgjdbc.run(seq, paced, write);
    byPgjdbc.await(AWAIT_MILLIS);
    byEvents.await(AWAIT_MILLIS);
    byEvents.copyWriteTimes(byPgjdbc);
    return new Probe[] {byPgjdbc, byEvents};
  }

  /** Lets the last deliveries and background work finish before the next series. */
  private static void quiet() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
  }

  /**
   * pgjdbc's documented way to receive notifications: poll with a timeout on a dedicated thread.
   */
  private static final class PgjdbcReceiver implements AutoCloseable {
    private final Connection connection;
    private final Thread thread;
    private volatile boolean running = true;
    volatile Probe target;

    PgjdbcReceiver(Connection connection, String channel) throws Exception {
      this.connection = connection;
      try (Statement st = connection.createStatement()) {
        st.execute("LISTEN " + channel);
      }
      org.postgresql.PGConnection pg = connection.unwrap(org.postgresql.PGConnection.class);
      thread =
          new Thread(
              () -> {
                while (running) {
                  try {
                    org.postgresql.PGNotification[] received = pg.getNotifications(500);
                    if (received != null) {
                      Probe probe = target;
                      for (org.postgresql.PGNotification n : received) {
                        if (probe != null) {
                          probe.heard(Probe.sequenceOf(n.getParameter()));
                        }
                      }
                    }
                  } catch (java.sql.SQLException e) {
                    if (running) {
                      LOG.error("pgjdbc receiver failed", e);
                    }
                    return;
                  }
                }
              },
              "bench-pgjdbc-listen");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws java.sql.SQLException {
      running = false;
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      connection.close();
    }
  }

  /** Our event-driven client: the handler runs on the reader thread as each message is parsed. */
  private static final class EventDrivenReceiver implements AutoCloseable {
    private final ListenConnection connection;
    volatile Probe target;

    EventDrivenReceiver(ListenTarget listenTarget, String channel) throws Exception {
      connection =
          ListenConnection.open(
              listenTarget,
              Duration.ofSeconds(10),
              new org.pgjcache.backend.postgres.listen.NotificationHandler() {
                @Override
                public void onNotification(int backendPid, String ch, String payload) {
                  Probe probe = target;
                  if (probe != null) {
                    probe.heard(Probe.sequenceOf(payload));
                  }
                }

                @Override
                public void onClosed(Throwable cause) {
                  if (cause != null) {
                    LOG.error("event-driven receiver closed", cause);
                  }
                }
              });
      connection.listen(channel, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
      connection.close();
    }
  }
}
