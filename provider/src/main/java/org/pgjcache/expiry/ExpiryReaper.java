package org.pgjcache.expiry;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.Closing;
import org.pgjcache.sync.Coordination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires entries for the whole cluster. Without it an entry nobody reads again would stay in the
 * table and in every replica, and no node would ever raise its EXPIRED event.
 *
 * <p>Every JVM runs one per backend, every {@code expiry-interval}. Each step takes the database's
 * advisory lock for the length of its own transaction ({@link Coordination#expireDue}), so at most
 * one node reaps at any moment and a node that dies or hangs holds nobody up: the next node's next
 * step takes over. Expired entries become tombstones at a new revision, announced with one
 * notification per cache and batch; every node applies them like any other change, raising one
 * EXPIRED event per entry. A node that already dropped the entry when a read found it expired keeps
 * a tombstone at the entry's own revision, so the reaper's newer tombstone is no news to it and
 * raises nothing a second time.
 *
 * <p>Besides every interval, it sweeps as soon as an instant it was told of ({@link #hint}: this
 * node's writes, other nodes' changes, touches) has passed, so that EXPIRED events follow an expiry
 * within milliseconds rather than within an interval, and costs nothing more when nothing expires.
 * Instants are kept in {@link #SLOT_MILLIS} slots, at most {@link #MAX_HINTS} of them (beyond that
 * the interval catches the rest).
 *
 * <p>The same role purges tombstones once they are older than {@link #TOMBSTONE_RETENTION_MILLIS}.
 */
public final class ExpiryReaper implements AutoCloseable {

  /** Entries expired per transaction and announced per notification. */
  static final int BATCH = 1000;

  /** How long tombstones stay in the table to fence off late notifications. */
  public static final long TOMBSTONE_RETENTION_MILLIS = TimeUnit.MINUTES.toMillis(5);

  /** Tombstones deleted per transaction. */
  static final int PURGE_BATCH = 5000;

  private static final long PURGE_EVERY_MILLIS = TimeUnit.SECONDS.toMillis(10);

  /** Expiry instants are gathered into slots this long; a sweep runs just after a slot ends. */
  static final long SLOT_MILLIS = 10;

  /** Known instants kept at most. */
  static final int MAX_HINTS = 100_000;

  /** After the slot, so that the database's clock has passed the instant too. */
  private static final long AFTER_MILLIS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(ExpiryReaper.class);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final Backend backend;
  private final Coordination coordination;
  private final long intervalMillis;
  private final long purgeEveryMillis;
  private final ScheduledExecutorService scheduler;
  private long lastPurge = System.nanoTime();
  private boolean failing;

  /** Ends of the slots of expiry instants still to come (database clock, epoch millis). */
  private final java.util.concurrent.ConcurrentSkipListSet<Long> slots =
      new java.util.concurrent.ConcurrentSkipListSet<>();

  /** The slot the next early sweep is scheduled for, or {@code Long.MAX_VALUE}. */
  private long scheduledSlot = Long.MAX_VALUE;

  private java.util.concurrent.ScheduledFuture<?> early;

  private ExpiryReaper(
      Backend backend, Coordination coordination, Duration interval, long purgeEveryMillis) {
    this.backend = backend;
    this.coordination = coordination;
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.purgeEveryMillis = purgeEveryMillis;
    String name = "pgjcache-reaper-" + SEQUENCE.incrementAndGet();
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, name);
              thread.setDaemon(true);
              return thread;
            });
    // an early sweep still waiting when the reaper closes must not run against a closed backend
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.scheduler = executor;
  }

  /** Starts reaping for {@code backend} every {@code interval}; {@link #close()} stops it. */
  public static ExpiryReaper start(Backend backend, Coordination coordination, Duration interval) {
    return start(backend, coordination, interval, PURGE_EVERY_MILLIS);
  }

  /** Test hook: {@link #start}, purging tombstones every {@code purgeEvery}, not every 10 s. */
  static ExpiryReaper startForTest(
      Backend backend, Coordination coordination, Duration interval, Duration purgeEvery) {
    return start(backend, coordination, interval, purgeEvery.toMillis());
  }

  private static ExpiryReaper start(
      Backend backend, Coordination coordination, Duration interval, long purgeEveryMillis) {
    ExpiryReaper reaper = new ExpiryReaper(backend, coordination, interval, purgeEveryMillis);
    reaper.scheduler.scheduleWithFixedDelay(
        reaper::sweep, reaper.intervalMillis, reaper.intervalMillis, TimeUnit.MILLISECONDS);
    return reaper;
  }

  /**
   * Expires what is due, batch after batch while batches come back full (for at most one interval,
   * so a backlog cannot starve the purge), then purges old tombstones now and then. A failure is
   * logged once per outage and retried at the next interval.
   */
  void sweep() {
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
      int total = 0;
      int expired;
      do {
        expired = coordination.expireDue(BATCH);
        total += Math.max(0, expired);
      } while (expired == BATCH && System.nanoTime() < deadline);
      if (total > 0) {
        LOG.debug("{}: expired {} entries", backend.describe(), total);
      }
      if (expired >= 0
          && System.nanoTime() - lastPurge >= TimeUnit.MILLISECONDS.toNanos(purgeEveryMillis)) {
        purge(deadline);
      }
      if (failing) {
        failing = false;
        LOG.info("{}: expiry reaper works again", backend.describe());
      }
    } catch (RuntimeException | Error e) { // nor the periodic reaper
      if (failing) {
        LOG.debug("{}: expiry reaper still failing", backend.describe(), e);
      } else {
        failing = true;
        LOG.warn(
            "{}: expiry reaper failed; retrying every {} ms (entries still expire on read)",
            backend.describe(),
            intervalMillis,
            e);
      }
    }
  }

  private void purge(long deadline) {
    lastPurge = System.nanoTime();
    int purged;
    int total = 0;
    do {
      purged = coordination.purgeTombstones(TOMBSTONE_RETENTION_MILLIS, PURGE_BATCH);
      total += Math.max(0, purged);
    } while (purged == PURGE_BATCH && System.nanoTime() < deadline);
    if (total > 0) {
      LOG.debug("{}: purged {} tombstones", backend.describe(), total);
    }
  }

  /**
   * Learns an expiry instant (epoch millis, database clock): a sweep runs just after it. Cheap
   * enough for every write and touch: a set insert, and a reschedule only for a new earliest
   * instant.
   */
  public void hint(long expireAt) {
    long slot = (Math.floorDiv(expireAt, SLOT_MILLIS) + 1) * SLOT_MILLIS;
    if (slots.size() < MAX_HINTS) {
      slots.add(slot);
    }
    wakeAt(slot);
  }

  private synchronized void wakeAt(long slot) {
    if (slot >= scheduledSlot || scheduler.isShutdown()) {
      return;
    }
    scheduledSlot = slot;
    if (early != null) {
      early.cancel(false);
    }
    long delay = Math.max(0, slot + AFTER_MILLIS - backend.store().now());
    try {
      early = scheduler.schedule(this::earlySweep, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("{}: reaper closed; no early sweep", backend.describe());
    }
  }

  private void earlySweep() {
    synchronized (this) {
      scheduledSlot = Long.MAX_VALUE;
      early = null;
    }
    long now = backend.store().now();
    slots.headSet(now - AFTER_MILLIS, true).clear();
    sweep();
    Long next = slots.isEmpty() ? null : slots.first();
    if (next != null) {
      wakeAt(next);
    }
  }

  /** Stops reaping; waits for a step under way to finish, so the backend can close after it. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      long wait = Closing.waitMillis(10_000);
      if (!scheduler.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "{}: expiry reaper still busy after {} ms; closing anyway (a step waiting for the"
                + " database fails when the backend closes)",
            backend.describe(),
            wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
