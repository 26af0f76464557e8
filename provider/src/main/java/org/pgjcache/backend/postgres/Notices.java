package org.pgjcache.backend.postgres;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.codec.CorruptDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns notification payloads into {@link Change}s for the subscribed caches, fetching what did not
 * fit into the payload (large values, batches). Only payloads that {@link NoticeSeal} vouches for
 * are acted on: anyone who can connect may NOTIFY on the channel. A forged or unparseable payload
 * is logged (escaped, cut, rate-limited), counted and skipped; an authentic one that arrived too
 * late to be trusted makes its cache reconcile. The feed goes on.
 */
final class Notices {

  private static final Logger LOG = LoggerFactory.getLogger(Notices.class);

  private final PostgresStore store;

  /** Hears this node's probes (null without a LISTEN connection). */
  private final ListenProbe probe;

  private final Subscribers subscribers;
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final NoticeSeal seal;
  private final AtomicLong corrupt = new AtomicLong();
  private final AtomicLong forged = new AtomicLong();
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong unopened = new AtomicLong();
  private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private final AtomicLong unwarned = new AtomicLong();

  Notices(PostgresStore store, Subscribers subscribers, NoticeSeal seal, ListenProbe probe) {
    this.store = store;
    this.probe = probe;
    this.subscribers = subscribers;
    this.seal = seal;
    this.lanes = new NoticeLanes(subscribers::gap);
    this.fences = new Fences(subscribers, lanes);
  }

  /** Runs a task in the lane of {@code cache}, after the notifications waiting there. */
  void runInOrder(String cache, Runnable task) {
    lanes.submit(cache, task);
  }

  /** Stops applying notifications (after the feed has stopped delivering them). */
  void close() {
    lanes.close();
  }

  /** How many times a cache had too many notifications waiting and reconciled instead. */
  long overflows() {
    return lanes.overflows();
  }

  /** Notifications skipped because they were not pgjcache's or could not be parsed. */
  long corrupt() {
    return corrupt.get() + forged.get();
  }

  /** Notifications refused because their HMAC was missing or wrong. */
  long forged() {
    return forged.get();
  }

  /** Authentic notifications that arrived too late to be trusted; their caches were reconciled. */
  long stale() {
    return stale.get();
  }

  void accept(String payload) {
    dispatcher = Thread.currentThread();
    if (!mayConcernThisNode(payload)) {
      unopened.incrementAndGet();
      return;
    }
    Payloads.Notice notice;
    try {
      notice = Payloads.parse(seal.open(payload, store.now()), seal);
    } catch (NoticeSeal.StaleNoticeException e) {
      stale.incrementAndGet();
      reconcileLate(e);
      return;
    } catch (NoticeSeal.ForgedNoticeException e) {
      forged.incrementAndGet();
      warn("skipped a notification that pgjcache did not send (" + e.getMessage() + ")", payload);
      return;
    } catch (CorruptDataException e) {
      corrupt.incrementAndGet();
      warn(
          "skipped an authentic notification that cannot be parsed (" + e.getMessage() + ")",
          payload);
      return;
    }
    if (fences.passed(notice) || suppressed) {
      return;
    }
    if (probe != null ? probe.heard(notice) : ListenProbe.isProbe(notice)) {
      return;
    }
    if (!subscribers.hasOtherThan(notice.cache(), notice.origin())) {
      return;
    }
    lanes.submit(
        notice.cache(),
        () -> {
          try {
            dispatch(notice);
          } catch (RuntimeException e) {
            LOG.warn("could not apply a change of cache '{}'; reconciling it", notice.cache(), e);
            subscribers.gap(notice.cache());
          }
        });
  }

  /**
   * False only for a payload that no subscriber here would act on, by what it names in the clear: a
   * cache this node has not opened, or one opened here only by the manager that sent it (a node
   * skips its own changes). PostgreSQL hands every listener every notification of the database, and
   * such a node need not spend an HMAC, a decryption and a parse on it: a change it drops is not
   * one it would apply. A forged payload that claims this node as its sender is dropped the same
   * way, uncounted, and can do nothing else. Fence markers and probes name caches of their own
   * ({@link Fences#CACHE}, {@link ListenProbe#CACHE}) and are always opened; anything not shaped
   * like a payload goes on to be refused and counted.
   */
  private boolean mayConcernThisNode(String payload) {
    Payloads.Claim claim = Payloads.claim(payload);
    return claim == null
        || Fences.CACHE.equals(claim.cache())
        || ListenProbe.CACHE.equals(claim.cache())
        || subscribers.hasOtherThan(claim.cache(), claim.origin());
  }

  /**
   * Notifications dropped unopened: they named a cache not opened here, or were this node's own.
   */
  long unopened() {
    return unopened.get();
  }

  /** A change announced too long ago may have been replayed: ask the database instead. */
  private void reconcileLate(NoticeSeal.StaleNoticeException e) {
    Payloads.Notice late;
    try {
      late = Payloads.parse(e.body(), seal);
    } catch (CorruptDataException c) {
      corrupt.incrementAndGet();
      warn("skipped an authentic, late notification that cannot be parsed", e.body());
      return;
    }
    if (fences.passed(late)
        || Fences.CACHE.equals(late.cache())
        || ListenProbe.isProbe(late)
        || late.op() == 'H') {
      return;
    }
    LOG.debug("cache '{}': {}; reconciling it", late.cache(), e.getMessage());
    subscribers.gap(late.cache());
  }

  /**
   * Logs at WARN at most once every ten seconds, saying how many were not logged in between; the
   * payload is escaped and cut (see {@link Payloads#abbreviate}).
   */
  private void warn(String what, String payload) {
    long now = System.nanoTime();
    long last = lastWarn.get();
    if (now - last < WARN_EVERY_NANOS || !lastWarn.compareAndSet(last, now)) {
      unwarned.incrementAndGet();
      return;
    }
    long quiet = unwarned.getAndSet(0);
    LOG.warn(
        "{}: {}{}",
        what,
        Payloads.abbreviate(payload),
        quiet == 0 ? "" : " (and " + quiet + " more skipped notifications not logged)");
  }

  private void dispatch(Payloads.Notice notice) {
    String cache = notice.cache();
    String origin = notice.origin();
    switch (notice.op()) {
      case 'B':
        for (Change change : store.revisions(cache, notice.rev(), notice.maxRev())) {
          subscribers.deliver(cache, change, origin);
        }
        break;
      case 'G':
        subscribers.gap(cache);
        break;
      case 'H':
        subscribers.comparedElsewhere(cache, origin, notice.rev(), notice.expireAt() != 0);
        break;
      case 'P':
        if (notice.value() != null) {
          subscribers.deliver(
              cache,
              new Change(Op.PUT, notice.key(), notice.rev(), notice.value(), notice.expireAt()),
              origin);
        } else {
          Row row = store.get(cache, notice.key());
          if (row != null) {
            subscribers.deliver(
                cache,
                new Change(Op.PUT, row.key(), row.rev(), row.value(), row.expireAt()),
                origin);
          }
        }
        break;
      default:
        Op op = Op.ofCode(notice.op());
        subscribers.deliver(
            cache, new Change(op, notice.key(), notice.rev(), null, notice.expireAt()), origin);
        break;
    }
  }

  // --- sync (heartbeat, reconciliation) ---

  private volatile boolean suppressed;
  private volatile Thread dispatcher;
  private final NoticeLanes lanes;
  private final Fences fences;

  Fences fences() {
    return fences;
  }

  /** Whether the calling thread reads or applies notifications (it must not wait for one). */
  boolean isDispatcher() {
    return Thread.currentThread() == dispatcher || NoticeLanes.isLaneThread();
  }

  /** Test hook: drop every notification unseen, as if the network had lost them. */
  void suppressForTest(boolean suppress) {
    this.suppressed = suppress;
  }
}
