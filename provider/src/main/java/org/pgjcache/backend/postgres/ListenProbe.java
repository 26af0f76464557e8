package org.pgjcache.backend.postgres;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out whether the LISTEN connection hears anything: the node sends itself a sealed
 * notification through the pool, on start, after each reconnect and at each heartbeat, and expects
 * it back on the LISTEN connection within a bound. A connection can be open, answer its probes and
 * still hear nothing: PgBouncer in transaction mode accepts LISTEN, hands the server connection to
 * someone else at the end of the transaction, and drops the notifications that arrive on it. Such a
 * node would serve stale entries until each heartbeat repaired them, without a word; with this it
 * reports itself not listening (health, MXBean, node table) and says at WARN why and what to do,
 * until a notification comes back.
 *
 * <p>The probe is a gap notice for cache {@link #CACHE} from an origin no subscription has ({@code
 * <node id>.probe.<n>}, where a subscription's is {@code <node id>.<n>}): nodes that do not know it
 * reconcile that cache, which nobody is likely to have, at no cost; a user's cache of that name
 * still gets its own gap notices.
 */
final class ListenProbe {

  private static final Logger LOG = LoggerFactory.getLogger(ListenProbe.class);

  /** The cache name of probes. */
  static final String CACHE = "pgjcache.probe";

  private static final String MARK = ".probe.";

  /** How often the WARN is repeated while the connection stays deaf. */
  private static final long WARN_AGAIN_MILLIS = TimeUnit.MINUTES.toMillis(10);

  /** Sends one sealed payload on the channel through the pool. */
  @FunctionalInterface
  interface Sender {
    void send(String payload);
  }

  private final String origin;
  private final long boundMillis;
  private final Sender sender;
  private final BooleanSupplier connected;
  private final String where;
  private long sequence;

  /** When the oldest probe not heard back was sent (epoch millis), 0 if none is outstanding. */
  private long outstandingSince;

  private long lastWarned;
  private volatile boolean deaf;
  private volatile long changedAt;
  private volatile String error;
  private volatile long errorAt;

  /**
   * @param nodeId the node's id; probes carry it so that a node hears only its own
   * @param boundMillis how long a probe may take to come back
   * @param sender sends a payload through the pool
   * @param connected whether the LISTEN connection is open (a closed one is reported as such)
   * @param where the LISTEN endpoint, for messages
   */
  ListenProbe(
      String nodeId, long boundMillis, Sender sender, BooleanSupplier connected, String where) {
    this.origin = nodeId + MARK;
    this.boundMillis = boundMillis;
    this.sender = sender;
    this.connected = connected;
    this.where = where;
  }

  /** Whether a notice is a probe, of any node. */
  static boolean isProbe(Payloads.Notice notice) {
    return notice.op() == 'G' && CACHE.equals(notice.cache()) && notice.origin().contains(MARK);
  }

  /** The payload of a probe (a complete gap notice, to be sealed). */
  private String payload(long n) {
    return Payloads.gap(CACHE, origin + n);
  }

  /**
   * Sends a probe and looks for its return after the bound. Fails as a database call does if it
   * cannot be sent; then nothing is outstanding for it.
   */
  void send() {
    check();
    long n;
    boolean first;
    synchronized (this) {
      n = ++sequence;
      // outstanding before it leaves: the LISTEN reader may hear it before send returns
      first = outstandingSince == 0;
      if (first) {
        outstandingSince = System.currentTimeMillis();
      }
    }
    try {
      sender.send(payload(n));
    } catch (RuntimeException e) {
      synchronized (this) {
        if (first && sequence == n) {
          outstandingSince = 0;
        }
      }
      throw e;
    }
    CompletableFuture.delayedExecutor(boundMillis + 50, TimeUnit.MILLISECONDS).execute(this::check);
  }

  /** Forgets the probes sent on a connection that was lost, and sends one on the new connection. */
  void restart() {
    synchronized (this) {
      outstandingSince = 0;
    }
    send();
  }

  /**
   * Called for every authentic notice the LISTEN connection hears; returns whether it was a probe
   * (of any node), which nobody else needs to see.
   */
  boolean heard(Payloads.Notice notice) {
    if (!isProbe(notice)) {
      return false;
    }
    if (notice.origin().startsWith(origin)) {
      boolean recovered;
      synchronized (this) {
        outstandingSince = 0;
        recovered = deaf;
        deaf = false;
        if (recovered) {
          changedAt = System.currentTimeMillis();
        }
      }
      if (recovered) {
        LOG.info(
            "the LISTEN connection to {} hears notifications again; changes from other nodes"
                + " arrive at once again",
            where);
      }
    }
    return true;
  }

  /** Declares the connection deaf if a probe is overdue while it is open; warns, rate-limited. */
  void check() {
    long now = System.currentTimeMillis();
    boolean warn;
    long waited;
    synchronized (this) {
      waited = outstandingSince == 0 ? 0 : now - outstandingSince;
      if (waited <= boundMillis || !connected.getAsBoolean()) {
        return;
      }
      if (!deaf) {
        deaf = true;
        changedAt = now;
        error =
            "the LISTEN connection hears nothing: a notification this node sent itself was not"
                + " heard back within "
                + boundMillis
                + " ms (a pooler in transaction mode, such as"
                + " PgBouncer, drops notifications: set pgjcache.listen-jdbc-url to PostgreSQL itself)";
        errorAt = now;
      }
      warn = now - lastWarned >= WARN_AGAIN_MILLIS;
      if (warn) {
        lastWarned = now;
      }
    }
    if (warn) {
      LOG.warn(
          "the LISTEN connection to {} hears nothing: a notification this node sent itself {} ms"
              + " ago has not come back (the bound is {} ms). Changes from other nodes reach this node"
              + " only through the heartbeat's repair. If the connection goes through a pooler in"
              + " transaction mode (PgBouncer), which drops notifications, set pgjcache.listen-jdbc-url to"
              + " PostgreSQL itself (repeated at most every {} minutes while it lasts)",
          where,
          waited,
          boundMillis,
          TimeUnit.MILLISECONDS.toMinutes(WARN_AGAIN_MILLIS));
    }
  }

  /** Whether the connection has been found deaf and has not heard a probe since. */
  boolean deaf() {
    check();
    return deaf;
  }

  /** When it last became deaf or heard again (epoch millis), 0 if never. */
  long changedAt() {
    return changedAt;
  }

  /** Why it was last found deaf, or null. */
  String error() {
    return error;
  }

  /** When that was (epoch millis), or 0. */
  long errorAt() {
    return errorAt;
  }
}
