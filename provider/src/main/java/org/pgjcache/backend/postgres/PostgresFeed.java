package org.pgjcache.backend.postgres;

import java.sql.PreparedStatement;
import java.util.concurrent.TimeUnit;
import org.pgjcache.backend.ChangeFeed;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.ExpiryHints;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.backend.Subscription;
import org.pgjcache.backend.postgres.listen.ListenHosts;
import org.pgjcache.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of NOTIFY: one LISTEN connection per backend ({@link ListenLoop}), the {@link
 * Notices} that check each payload's seal and turn it into changes in per-cache lanes, the fences
 * that keep a new subscriber from seeing notifications older than itself, and the {@link
 * ListenProbe} that tells an open connection that hears nothing from one that works.
 */
final class PostgresFeed implements ChangeFeed {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresFeed.class);

  private final Jdbc jdbc;
  private final String channel;
  private final NoticeSeal seal;
  private final DatabaseClock clock;
  private final Subscribers subscribers;
  private final Notices notices;
  private final ExpiryHints expiryHints = new ExpiryHints();

  /** The LISTEN connection; null with {@code notifications=false}. */
  private final ListenLoop loop;

  /** Whether the LISTEN connection hears anything; null without one. */
  private final ListenProbe probe;

  /**
   * Starts listening (when notifications are on) and sends the first probe.
   *
   * @param listenHosts where LISTEN goes, or null with {@code notifications=false}
   */
  PostgresFeed(
      Settings settings,
      ListenHosts listenHosts,
      Jdbc jdbc,
      NoticeSeal seal,
      DatabaseClock clock,
      Subscribers subscribers,
      PostgresStore store) {
    this.jdbc = jdbc;
    this.channel = settings.channel();
    this.seal = seal;
    this.clock = clock;
    this.subscribers = subscribers;
    this.probe =
        listenHosts != null
            ? new ListenProbe(
                subscribers.nodeId(),
                settings.callBound().toMillis(),
                this::notifySelf,
                this::feedOpen,
                settings.describeListenTarget())
            : null;
    this.notices = new Notices(store, subscribers, seal, probe);
    if (listenHosts != null) {
      this.loop =
          new ListenLoop(
              listenHosts,
              channel,
              settings.connectTimeout(),
              settings.reconnectInterval(),
              notices::accept,
              this::reconnected);
      loop.start();
      probe.send();
    } else {
      this.loop = null;
    }
  }

  /** The LISTEN connection is back: its caches reconcile, and it is probed afresh. */
  private void reconnected() {
    subscribers.gapAll();
    try {
      probe.restart();
    } catch (RuntimeException e) {
      LOG.debug(
          "the LISTEN probe could not be sent after the reconnect; the next heartbeat sends"
              + " one: {}",
          e.getMessage());
    }
  }

  private boolean feedOpen() {
    ListenLoop current = loop;
    return current != null && current.status().listening();
  }

  /** Sends this node a sealed notification through the pool (see {@link ListenProbe}). */
  private void notifySelf(String payload) {
    sealAndSend("probing the LISTEN connection", null, payload);
  }

  @Override
  public void announceCompared(String cache, String origin, long repairedFrom, boolean whole) {
    sealAndSend(
        "announcing a comparison", cache, Payloads.compared(cache, origin, repairedFrom, whole));
  }

  /** Sends a sealed notification that writes nothing (a probe, a fence, a repair notice). */
  private void sealAndSend(String what, String cache, String payload) {
    jdbc.run(
        what,
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, seal.seal(payload, clock.now()));
            ps.executeQuery().close();
          }
          return null;
        });
  }

  /**
   * Where this node's own announcements go when nothing comes back over LISTEN ({@code
   * notifications=false}), so its caches still hear them; null when LISTEN brings them.
   */
  java.util.function.Consumer<String> localDelivery() {
    return loop == null ? notices::accept : null;
  }

  @Override
  public Subscription subscribe(String cache, ChangeListener listener) {
    return fencedSubscribe(cache, listener);
  }

  @Override
  public ExpiryHints expiryHints() {
    return expiryHints;
  }

  /** The server process id of the LISTEN connection, -1 if none (for tests that kill it). */
  int listenerPid() {
    return loop == null ? -1 : loop.backendPid();
  }

  @Override
  public long corruptNotifications() {
    return notices.corrupt();
  }

  @Override
  public long forgedNotifications() {
    return notices.forged();
  }

  /**
   * Notifications dropped before their seal was checked: they named a cache not opened here, or
   * were this node's own.
   */
  long unopenedNotifications() {
    return notices.unopened();
  }

  /**
   * Whether the LISTEN connection is open and hears notifications: an open connection whose probe
   * did not come back ({@link ListenProbe}) is not listening, and its last error says why.
   */
  @Override
  public org.pgjcache.ListenStatus listenStatus() {
    if (loop == null) {
      return new org.pgjcache.ListenStatus(
          false, 0, "notifications are off" + " (pgjcache.notifications=false)", null, 0);
    }
    org.pgjcache.ListenStatus open = loop.status();
    boolean deaf = probe.deaf();
    boolean probeErrorLater = probe.error() != null && probe.errorAt() >= open.lastErrorAtMillis();
    String error = probeErrorLater ? probe.error() : open.lastError();
    long errorAt = probeErrorLater ? probe.errorAt() : open.lastErrorAtMillis();
    boolean listening = open.listening() && !deaf;
    long since =
        open.listening() ? Math.max(open.sinceMillis(), probe.changedAt()) : open.sinceMillis();
    return new org.pgjcache.ListenStatus(listening, since, open.endpoint(), error, errorAt);
  }

  /** Probes the LISTEN connection (see {@link ListenProbe}); each heartbeat calls this. */
  @Override
  public void probeListen() {
    if (probe != null && loop != null) {
      probe.send();
    }
  }

  @Override
  public void runInOrder(String cache, Runnable task) {
    notices.runInOrder(cache, task);
  }

  @Override
  public long listenReconnects() {
    return loop == null ? 0 : loop.reconnects();
  }

  /** See {@link PostgresBackend#dropNotifications}. */
  void dropNotifications(boolean suppress) {
    notices.suppressForTest(suppress);
  }

  /** Stops listening, then stops applying what was heard. */
  void close() {
    try {
      if (loop != null) {
        loop.close();
      }
    } finally {
      notices.close();
    }
  }

  /** How long a new subscriber waits for its fence before it opens anyway. */
  private static final long FENCE_WAIT_MILLIS = 2_000;

  /**
   * Attaches a cache instance behind a fence (see {@link Fences}), so that notifications still on
   * their way from before it loads (a destroyed instance of the same name, say) cannot resurrect
   * entries in it. Without a LISTEN connection there is nothing to fence.
   */
  private Subscription fencedSubscribe(String cache, ChangeListener listener) {
    if (loop == null || notices.isDispatcher()) {
      return subscribers.add(cache, listener);
    }
    Subscription subscription = subscribers.addFenced(cache, listener);
    Fences.Pending pending = notices.fences().expect(cache, subscription);
    try {
      sealAndSend("sending a fence", cache, Fences.payload(subscription));
      if (!pending.passed.await(FENCE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        LOG.debug(
            "cache '{}': fence not back within {} ms; listening without it",
            cache,
            FENCE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      notices.fences().abandon(pending);
      subscription.close();
      throw e;
    } finally {
      notices.fences().abandon(pending);
    }
    return subscription;
  }
}
