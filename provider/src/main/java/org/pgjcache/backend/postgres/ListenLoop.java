package org.pgjcache.backend.postgres;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import javax.cache.CacheException;
import org.pgjcache.backend.Closing;
import org.pgjcache.backend.postgres.listen.ListenConnection;
import org.pgjcache.backend.postgres.listen.ListenHosts;
import org.pgjcache.backend.postgres.listen.NotificationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the backend's one LISTEN connection alive: hands each notification over on the reader
 * thread as soon as it is parsed, notices a dead connection (closed socket at once, a silent one by
 * a periodic probe), reconnects with growing backoff, and reports every reconnect so caches
 * reconcile what they missed while it was down.
 */
final class ListenLoop implements NotificationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ListenLoop.class);
  private static final Duration PROBE_EVERY = Duration.ofSeconds(2);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final long FAILURE_WARN_EVERY_MILLIS = 30_000;

  private final ListenHosts hosts;
  private final String channel;
  private final Duration timeout;
  private final Duration reconnectInterval;
  private final Consumer<String> onPayload;
  private final Runnable onReconnected;
  private final Thread supervisor;
  private final Object signal = new Object();
  private volatile ListenConnection connection;
  private volatile boolean closed;
  private volatile long reconnects;

  /** Since when it has been listening (or not), epoch millis; see {@link #status}. */
  private volatile long since = System.currentTimeMillis();

  private volatile boolean listening;
  private volatile String lastError;
  private volatile long lastErrorAt;

  /** When a failed reconnect was last logged at WARN (epoch millis). */
  private long lastFailureWarned;

  ListenLoop(
      ListenHosts hosts,
      String channel,
      Duration timeout,
      Duration reconnectInterval,
      Consumer<String> onPayload,
      Runnable onReconnected) {
    this.hosts = hosts;
    this.channel = channel;
    this.timeout = timeout;
    this.reconnectInterval = reconnectInterval;
    this.onPayload = onPayload;
    this.onReconnected = onReconnected;
    this.supervisor =
        new Thread(
            this::supervise, "pgjcache-feed-" + hosts.first().host() + ":" + hosts.first().port());
    this.supervisor.setDaemon(true);
  }

  /** Connects and starts listening; fails if the first connection cannot be made. */
  void start() {
    try {
      connection = connect();
      listeningNow(true);
    } catch (IOException e) {
      throw new CacheException(
          "cannot open the LISTEN connection to PostgreSQL "
              + hosts.describe()
              + ": "
              + e.getMessage(),
          e);
    }
    supervisor.start();
  }

  private ListenConnection connect() throws IOException {
    ListenConnection fresh = hosts.open(timeout, this);
    try {
      fresh.listen(channel, timeout);
    } catch (IOException e) {
      fresh.close();
      throw e;
    }
    return fresh;
  }

  /** The server process id of the current LISTEN connection, or -1 (tests terminate it). */
  int backendPid() {
    ListenConnection current = connection;
    return current == null || !current.isOpen() ? -1 : current.backendPid();
  }

  long reconnects() {
    return reconnects;
  }

  private void listeningNow(boolean now) {
    if (listening != now) {
      listening = now;
      since = System.currentTimeMillis();
    }
  }

  private void failed(String error) {
    lastError = error;
    lastErrorAt = System.currentTimeMillis();
  }

  /** Whether the feed is listening now, since when, where, and its last failure. */
  org.pgjcache.ListenStatus status() {
    ListenConnection current = connection;
    boolean now = !closed && current != null && current.isOpen();
    return new org.pgjcache.ListenStatus(now && listening, since, where(), lastError, lastErrorAt);
  }

  /** The host listened on now, else every host the URL names (a multi-host URL may move it). */
  private String where() {
    ListenConnection current = connection;
    return current != null && current.isOpen() ? current.address() : hosts.describe();
  }

  @Override
  public void onNotification(int backendPid, String channelName, String payload) {
    try {
      onPayload.accept(payload);
    } catch (RuntimeException | Error e) {
      // whatever a payload does, the reader thread goes on reading
      LOG.error("a notification could not be handled; the feed goes on: {}", e.toString(), e);
    }
  }

  private String lastAddress() {
    ListenConnection current = connection;
    return current != null ? current.address() : hosts.describe();
  }

  @Override
  public void onClosed(Throwable cause) {
    if (!closed) {
      listeningNow(false);
      failed("connection lost: " + (cause == null ? "closed by the server" : cause.toString()));
      LOG.warn(
          "LISTEN connection to {} lost: {}; changes from other nodes are not heard until"
              + " it is back",
          lastAddress(),
          cause == null ? "closed by the server" : cause.toString());
    }
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void supervise() {
    long backoff = Math.max(50, reconnectInterval.toMillis());
    while (!closed) {
      ListenConnection current = connection;
      if (current != null && current.isOpen()) {
        waitFor(PROBE_EVERY.toMillis());
        if (closed) {
          return;
        }
        current = connection;
        if (current.isOpen() && !current.probe(timeout)) {
          LOG.warn(
              "LISTEN connection to {} did not answer a probe within {}; reconnecting",
              current.address(),
              timeout);
          listeningNow(false);
          failed("no answer to a probe within " + timeout);
          current.close();
        }
        continue;
      }
      listeningNow(false);
      try {
        ListenConnection fresh = connect();
        if (closed) {
          fresh.close();
          return;
        }
        connection = fresh;
        reconnects++;
        listeningNow(true);
        backoff = Math.max(50, reconnectInterval.toMillis());
        LOG.info("LISTEN connection to {} re-established; reconciling caches", fresh.address());
        onReconnected.run();
      } catch (IOException | RuntimeException e) {
        failed("reconnecting failed: " + e);
        long now = System.currentTimeMillis();
        if (now - lastFailureWarned >= FAILURE_WARN_EVERY_MILLIS) {
          lastFailureWarned = now;
          LOG.warn(
              "reconnecting the LISTEN connection to {} failed: {}; next attempt in {} ms"
                  + " (further failures are logged at most every {} s)",
              hosts.describe(),
              e.toString(),
              backoff,
              FAILURE_WARN_EVERY_MILLIS / 1000);
        } else {
          LOG.debug(
              "reconnecting the LISTEN connection failed: {}; next attempt in {} ms",
              e.toString(),
              backoff);
        }
        waitFor(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
      }
    }
  }

  private void waitFor(long millis) {
    synchronized (signal) {
      if (closed) {
        return;
      }
      try {
        signal.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  void close() {
    closed = true;
    synchronized (signal) {
      signal.notifyAll();
    }
    ListenConnection current = connection;
    if (current != null) {
      current.close();
    }
    try {
      long wait = Closing.teardownMillis(timeout.toMillis() + 1000);
      if (wait > 0) {
        supervisor.join(wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (supervisor.isAlive()) {
      LOG.debug(
          "the LISTEN supervisor of {} is still connecting; it ends when its attempt does"
              + " (within {} per host)",
          hosts.describe(),
          timeout);
    }
  }
}
