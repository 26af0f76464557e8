package org.pgjcache.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import javax.management.ObjectName;
import org.pgjcache.CacheChecksum;
import org.pgjcache.NodeSync;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.Closing;
import org.pgjcache.config.Settings;
import org.pgjcache.management.SyncRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat of one backend (one node): every {@code heartbeat-interval} it asks the database
 * for the revision sums of all the caches attached to the backend in one statement, compares them
 * with each cache instance's replica, computes the bucketed checksums of only the caches that
 * differ, and repairs what differs in them ({@link Reconciler}); after a reconnect, or when a
 * notification could not be applied, it does the same at once. It also keeps the node's row in the
 * node table and its MXBean.
 *
 * <p>There is one agent per backend, shared by every cache manager using it (the seeds' singleton
 * backend: ten nodes with five caches each run ten heartbeats, not fifty). Heartbeats run on one
 * thread, so they never overlap; comparisons that other nodes' repair notices ask for run on a
 * second one, so that a notice is not queued behind a heartbeat in progress (a whole comparison of
 * a large cache takes seconds). Both may repair one replica at once: a repair overrules only the
 * revision it saw before reading the database, so neither can undo the other's newer row.
 */
public final class SyncAgent implements NodeSync {

  private static final Logger LOG = LoggerFactory.getLogger(SyncAgent.class);
  private static final Map<Backend, SyncAgent> AGENTS = new IdentityHashMap<>();
  private static final Duration MIN_STALE = Duration.ofMinutes(5);
  private static final long FIRST_RETRY_MILLIS = 250;

  /** How long the thread of repair notices' comparisons stays without work before it ends. */
  private static final long HINT_THREAD_KEEP_ALIVE_SECONDS = 30;

  private final Backend backend;
  private final Coordination coordination;
  private final String nodeId = UUID.randomUUID().toString();
  private final String nodeName;
  private final Instant started = Instant.now();
  private final Duration interval;
  private final Duration staleAfter;
  private final boolean syncOnMismatch;
  private final long waitMillis;
  private final Reconciler reconciler;
  private final ChangeWatch watch;
  private final AtomicLong wholeComparisons = new AtomicLong();
  private final AtomicLong changeComparisons = new AtomicLong();
  private final List<SyncTarget> targets = new CopyOnWriteArrayList<>();

  /**
   * Caches reported as not matching (sync-on-mismatch off), so that each episode is logged once.
   */
  private final Set<SyncTarget> reported = ConcurrentHashMap.newKeySet();

  private final ScheduledExecutorService scheduler;

  /** Runs the comparisons repair notices ask for; its thread ends when idle. */
  private final ScheduledThreadPoolExecutor hints;

  private final AtomicBoolean checkPending = new AtomicBoolean();
  private final AtomicBoolean changeComparisonPending = new AtomicBoolean();

  /**
   * The caches other nodes' repair notices named since the last comparison they started, each with
   * the oldest revision they repaired.
   */
  private final Map<String, Long> changeComparisonsWanted = new ConcurrentHashMap<>();

  /** Of those, the caches another node compared whole. */
  private final Set<String> wholeElsewhere = ConcurrentHashMap.newKeySet();

  /**
   * The least time between two comparisons other nodes' repair notices start, so that notices
   * arriving one after another (every node repairing the same rows) cost at most ten comparisons of
   * changes a second, whatever their number.
   */
  private static final long CHANGE_COMPARISON_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** When the last such comparison started ({@link System#nanoTime()}); read on any thread. */
  private volatile long lastChangeComparison = System.nanoTime() - CHANGE_COMPARISON_GAP_NANOS;

  private final AtomicLong heartbeats = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong repaired = new AtomicLong();
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong keysCompared = new AtomicLong();
  private final ObjectName mbean;
  private volatile Instant lastHeartbeat;
  private volatile Instant lastRepair;
  private volatile boolean matched = true;
  private volatile boolean failing;
  private volatile boolean recordFailing;
  private volatile boolean closed;
  private long retryMillis = FIRST_RETRY_MILLIS;
  private int holders;

  private SyncAgent(Backend backend, Coordination coordination, Settings settings) {
    this.backend = backend;
    this.coordination = coordination;
    this.nodeName = settings.nodeName();
    this.interval = settings.heartbeatInterval();
    this.staleAfter = max(interval.multipliedBy(10), MIN_STALE);
    this.syncOnMismatch = settings.syncOnMismatch();
    this.waitMillis =
        4 * settings.statementTimeout().toMillis() + settings.connectTimeout().toMillis();
    this.reconciler = new Reconciler(coordination);
    this.watch = new ChangeWatch(coordination, 2 * settings.callBound().toMillis());
    this.scheduler = singleThread("pgjcache-sync-" + nodeId.substring(0, 8));
    this.hints = singleThread("pgjcache-hint-" + nodeId.substring(0, 8));
    hints.setKeepAliveTime(HINT_THREAD_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    hints.allowCoreThreadTimeOut(true);
    this.mbean = SyncRegistration.register(new SyncBean(this), nodeName, nodeId.substring(0, 8));
    scheduler.execute(() -> beat(Beat.PERIODIC));
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(
        () -> beat(Beat.PERIODIC), millis, millis, TimeUnit.MILLISECONDS);
  }

  private static ScheduledThreadPoolExecutor singleThread(String name) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t = new Thread(runnable, name);
              t.setDaemon(true);
              return t;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * The agent of {@code backend}, started on first use with that caller's settings (heartbeat
   * interval, sync-on-mismatch, node name); {@link #release()} once per call.
   */
  public static SyncAgent acquire(Backend backend, Coordination coordination, Settings settings) {
    synchronized (AGENTS) {
      SyncAgent agent = AGENTS.get(backend);
      if (agent == null) {
        agent = new SyncAgent(backend, coordination, settings);
        AGENTS.put(backend, agent);
      }
      agent.holders++;
      return agent;
    }
  }

  /** Gives back one hold; the last one stops the agent and removes the node from the node table. */
  public void release() {
    synchronized (AGENTS) {
      if (--holders > 0) {
        return;
      }
      AGENTS.remove(backend);
    }
    close();
  }

  /** One cache instance's attachment; {@link #close()} detaches it. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /** Attaches a cache instance to the heartbeat. */
  public Registration register(SyncTarget target) {
    targets.add(target);
    return () -> {
      targets.remove(target);
      reported.remove(target);
      watch.forget(target);
    };
  }

  /**
   * Asks for a reconciliation of every cache soon, whatever {@code sync-on-mismatch} says (a
   * reconnect or an unapplied notification means changes were missed); requests made while one is
   * pending merge into it.
   */
  public void requestCheck() {
    if (closed || !checkPending.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.execute(
          () -> {
            checkPending.set(false);
            if (!beat(Beat.REQUESTED)) {
              retryLater();
            } else {
              retryMillis = FIRST_RETRY_MILLIS;
            }
          });
    } catch (RejectedExecutionException e) {
      checkPending.set(false);
      LOG.debug("node {} is closing; reconciliation not started", nodeName);
    }
  }

  /**
   * Another node's heartbeat compared {@code cache} with the database. When it repaired rows
   * ({@code repairedFrom} above 0: the oldest revision it read), compare that cache's changes from
   * there, or since each full replica of it was last in line if that is older, and what bounded
   * replicas of it hold, soon rather than at the next heartbeat: rows changed unannounced were
   * missed by every node alike. A whole comparison ({@code whole}) stands in for this node's next
   * periodic net of that cache, once what it repaired has been read here. Requests made while one
   * is pending merge into it (with the caches they name), and one starts at most every 100 ms;
   * caches that need a whole comparison wait for the heartbeat, so a request costs what changed in
   * the caches it names, never a whole cache. They run beside the heartbeat, not behind it. Ignored
   * when {@code sync-on-mismatch} is off (nothing would be repaired).
   */
  public void comparedElsewhere(String cache, long repairedFrom, boolean whole) {
    if (closed || !syncOnMismatch) {
      return;
    }
    if (repairedFrom <= 0) {
      if (whole) {
        for (SyncTarget target : targets) {
          if (target.cacheName().equals(cache)) {
            watch.comparedWholeElsewhere(target);
          }
        }
      }
      return;
    }
    if (whole) {
      wholeElsewhere.add(cache);
    }
    changeComparisonsWanted.merge(cache, repairedFrom, Math::min);
    if (!changeComparisonPending.compareAndSet(false, true)) {
      return;
    }
    long wait = lastChangeComparison + CHANGE_COMPARISON_GAP_NANOS - System.nanoTime();
    try {
      hints.schedule(
          () -> {
            changeComparisonPending.set(false);
            lastChangeComparison = System.nanoTime();
            Map<String, Long> named = new TreeMap<>();
            Set<String> wholes = new TreeSet<>();
            for (String wanted : changeComparisonsWanted.keySet()) {
              Long from = changeComparisonsWanted.remove(wanted);
              if (from != null) {
                named.put(wanted, from);
                if (wholeElsewhere.remove(wanted)) {
                  wholes.add(wanted);
                }
              }
            }
            if (!named.isEmpty()) {
              compareNamed(named, wholes);
            }
          },
          Math.max(0, wait),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      changeComparisonPending.set(false);
      LOG.debug("node {} is closing; change comparison not started", nodeName);
    }
  }

  /** Why a heartbeat runs, which decides what it compares and whether it tells the others. */
  private enum Beat {
    /** The interval's: changes where it can, else whole caches; announces repairs. */
    PERIODIC(false, true),
    /** Another node's repair notice: changes and held keys only, never whole caches, silent. */
    HINTED(false, false),
    /**
     * This node may have missed changes (reconnect, an unapplied notification): whole caches; it
     * does not announce what it alone missed.
     */
    REQUESTED(true, false),
    /** {@code heartbeatNow()}: whole caches; announces repairs. */
    NOW(true, true);

    final boolean forced;
    final boolean announces;

    Beat(boolean forced, boolean announces) {
      this.forced = forced;
      this.announces = announces;
    }
  }

  /**
   * A requested reconciliation failed: try again soon, backing off up to the heartbeat interval.
   */
  private void retryLater() {
    long delay = retryMillis;
    retryMillis = Math.min(retryMillis * 2, Math.max(FIRST_RETRY_MILLIS, interval.toMillis()));
    try {
      scheduler.schedule(this::requestCheck, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("node {} is closing; reconciliation not retried", nodeName);
    }
  }

  /**
   * What repair notices ask for, for the caches they named ({@code named}: with the oldest revision
   * repaired): each full replica compared with the rows changed since it was last found in line or
   * from that revision if older (one that has not been found in line yet waits for the heartbeat,
   * as does a whole comparison), each bounded one with what it holds; a cache in {@code wholes} was
   * compared whole by the other node, which stands in for this node's next net once done. Not a
   * heartbeat: no probe, no node-table record, no match state, no mark moved, no announcement.
   */
  private void compareNamed(Map<String, Long> named, Set<String> wholes) {
    for (SyncTarget target : targets) {
      if (closed) {
        return;
      }
      Long from = named.get(target.cacheName());
      if (from == null) {
        continue;
      }
      try {
        if (target.bounded()) {
          compareHeld(target, Beat.HINTED);
        } else {
          Reconciler.Outcome outcome = watch.compareChangesFrom(target, reconciler, from);
          if (outcome != null) {
            changesCompared(target, outcome, Beat.HINTED);
            if (wholes.contains(target.cacheName())) {
              watch.comparedWholeElsewhere(target);
            }
          }
        }
      } catch (RuntimeException e) {
        LOG.debug(
            "node {}: comparing cache '{}' after a repair notice failed; its heartbeat will: {}",
            nodeName,
            target.cacheName(),
            e.getMessage());
      }
    }
  }

  /** One heartbeat of every cache; returns whether it reached the database. */
  private boolean beat(Beat kind) {
    if (closed) {
      return true;
    }
    boolean forced = kind.forced;
    try {
      List<SyncTarget> current = List.copyOf(targets);
      Set<String> full = new TreeSet<>();
      current.forEach(
          t -> {
            if (!t.bounded()) {
              full.add(t.cacheName());
            }
          });
      Coordination.Horizon horizon = watch.begin(full);
      boolean matchedSoFar = true;
      Set<String> names = new TreeSet<>();
      List<SyncTarget> whole = new ArrayList<>();
      for (SyncTarget target : current) {
        target.housekeeping();
        if (target.bounded()) {
          matchedSoFar &= compareHeld(target, kind);
        } else {
          Boolean changesMatched =
              forced || !syncOnMismatch ? null : compareChanges(target, horizon, kind);
          if (changesMatched == null) {
            whole.add(target);
            names.add(target.cacheName());
          } else {
            matchedSoFar &= changesMatched;
          }
        }
      }
      Map<String, RevisionSums> summaries =
          names.isEmpty() ? Map.of() : coordination.revisionSums(names);
      List<SyncTarget> differing = new ArrayList<>();
      Set<String> differingNames = new TreeSet<>();
      for (SyncTarget target : whole) {
        wholeComparisons.incrementAndGet();
        RevisionSums theirs = summaries.getOrDefault(target.cacheName(), RevisionSums.EMPTY);
        if (target.revisionSums().equals(theirs)) {
          matchedAgain(target);
          watch.comparedWhole(target, horizon);
          announceInLine(target, kind, horizon);
        } else {
          differing.add(target);
          differingNames.add(target.cacheName());
        }
      }
      Map<String, BucketSums> database =
          differingNames.isEmpty() ? Map.of() : coordination.checksums(differingNames);
      boolean allMatched = matchedSoFar;
      for (SyncTarget target : differing) {
        allMatched &=
            compare(
                target, database.getOrDefault(target.cacheName(), BucketSums.EMPTY), kind, horizon);
      }
      matched = allMatched;
      heartbeats.incrementAndGet();
      lastHeartbeat = Instant.now();
      if (failing) {
        failing = false;
        LOG.info("node {}: heartbeats reach the database again", nodeName);
      }
      probe();
      record((int) current.stream().map(SyncTarget::cacheName).distinct().count(), allMatched);
      return true;
    } catch (RuntimeException | Error e) { // an Error must not cancel the periodic heartbeat
      failures.incrementAndGet();
      if (!failing) {
        failing = true;
        LOG.warn(
            "node {}: heartbeat failed, retrying every {}: {}", nodeName, interval, e.getMessage());
      } else {
        LOG.debug("node {}: heartbeat failed again: {}", nodeName, e.getMessage());
      }
      return false;
    }
  }

  /**
   * Compares a full replica with the rows changed since it was last found in line, and repairs what
   * differs; returns whether nothing differed, or null, having done nothing, when the whole cache
   * must be compared instead.
   */
  private Boolean compareChanges(SyncTarget target, Coordination.Horizon horizon, Beat kind) {
    Reconciler.Outcome outcome = watch.compareChanges(target, horizon, reconciler);
    return outcome == null ? null : changesCompared(target, outcome, kind);
  }

  /** Counts, logs and announces a comparison of changes; returns whether nothing differed. */
  private boolean changesCompared(SyncTarget target, Reconciler.Outcome outcome, Beat kind) {
    changeComparisons.incrementAndGet();
    if (tally(outcome)) {
      LOG.info(
          "node {}: cache '{}' repaired {} entries (compared the {} keys changed since it was last"
              + " in line, read {} rows)",
          nodeName,
          target.cacheName(),
          outcome.repaired(),
          outcome.keysCompared(),
          outcome.rowsRead());
      announce(target, kind, repairedFrom(outcome), false);
    }
    matchedAgain(target);
    return outcome.repaired() == 0;
  }

  /** Compares one cache instance and repairs it if allowed; returns whether it matched. */
  private boolean compare(
      SyncTarget target, BucketSums theirs, Beat kind, Coordination.Horizon horizon) {
    boolean forced = kind.forced;
    BucketSums mine = target.checksums();
    if (mine.equals(theirs)) {
      matchedAgain(target);
      watch.comparedWhole(target, horizon);
      announceInLine(target, kind, horizon);
      return true;
    }
    if (!forced && !syncOnMismatch) {
      if (reported.add(target)) {
        LOG.warn(
            "node {}: cache '{}' does not match the database ({} here, {} there) and"
                + " sync-on-mismatch is off",
            nodeName,
            target.cacheName(),
            mine,
            theirs);
      }
      return false;
    }
    Reconciler.Outcome outcome = reconciler.reconcile(target, theirs, mine);
    watch.comparedWhole(target, horizon);
    if (!tally(outcome)) {
      LOG.debug(
          "node {}: cache '{}' differed only by changes in flight ({} keys compared, {} rows"
              + " read)",
          nodeName,
          target.cacheName(),
          outcome.keysCompared(),
          outcome.rowsRead());
      announceInLine(target, kind, horizon);
      return true;
    }
    LOG.info(
        "node {}: cache '{}' repaired {} entries (compared {} keys in {} of 64 buckets,"
            + " read {} rows)",
        nodeName,
        target.cacheName(),
        outcome.repaired(),
        outcome.keysCompared(),
        outcome.buckets(),
        outcome.rowsRead());
    announce(target, kind, repairedFrom(outcome), true);
    return false;
  }

  /**
   * Compares what a bounded replica holds with the database and repairs it (if allowed); returns
   * whether it matched.
   */
  private boolean compareHeld(SyncTarget target, Beat kind) {
    if (!kind.forced && !syncOnMismatch) {
      return true; // nothing cheap to compare without repairing: the revisions are the comparison
    }
    Reconciler.Outcome outcome = reconciler.reconcileHeld(target);
    if (!tally(outcome)) {
      matchedAgain(target);
      return true;
    }
    LOG.info(
        "node {}: bounded cache '{}' repaired {} entries (compared {} held keys, read {} rows)",
        nodeName,
        target.cacheName(),
        outcome.repaired(),
        outcome.keysCompared(),
        outcome.rowsRead());
    announce(target, kind, repairedFrom(outcome), false);
    return false;
  }

  /**
   * Tells the other nodes about a comparison: a repair, so that a row changed unannounced, which
   * they most likely missed too, reaches them within a notification rather than their own next
   * heartbeat, even one below their marks; a whole comparison, so that it stands in for their next
   * periodic one of that cache (see {@link ChangeWatch#comparedWholeElsewhere}). Only beats that
   * compare the database with no reason to think this node alone missed something announce; the
   * notice only makes the others compare sooner, or their own net later, so losing it loses
   * nothing.
   *
   * @param repairedFrom the oldest revision repaired, 0 when nothing was
   */
  private void announce(SyncTarget target, Beat kind, long repairedFrom, boolean whole) {
    if (!kind.announces) {
      return;
    }
    try {
      target.announceCompared(repairedFrom, whole);
    } catch (RuntimeException e) {
      LOG.debug(
          "node {}: could not announce the comparison of cache '{}': {}",
          nodeName,
          target.cacheName(),
          e.getMessage());
    }
  }

  /**
   * Announces a whole comparison that found the cache in line, for the others to count as their
   * net; only where nets are counted at all: heartbeats that compare changes ({@code horizon}
   * known) and repair what differs.
   */
  private void announceInLine(SyncTarget target, Beat kind, Coordination.Horizon horizon) {
    if (horizon != null && syncOnMismatch) {
      announce(target, kind, 0, true);
    }
  }

  /**
   * What a repair tells the others to compare from: the oldest revision it read, or, when it only
   * dropped keys the database no longer has, their marks ({@link Long#MAX_VALUE}).
   */
  private static long repairedFrom(Reconciler.Outcome outcome) {
    return outcome.lowestRev() > 0 ? outcome.lowestRev() : Long.MAX_VALUE;
  }

  /** Counts what a comparison read and repaired; returns whether it repaired anything. */
  private boolean tally(Reconciler.Outcome outcome) {
    rowsRead.addAndGet(outcome.rowsRead());
    keysCompared.addAndGet(outcome.keysCompared());
    if (outcome.repaired() == 0) {
      return false;
    }
    repaired.addAndGet(outcome.repaired());
    lastRepair = Instant.now();
    return true;
  }

  private void matchedAgain(SyncTarget target) {
    if (reported.remove(target)) {
      LOG.info("node {}: cache '{}' matches the database again", nodeName, target.cacheName());
    }
  }

  /**
   * Checks that the node still hears notifications (see {@link
   * org.pgjcache.backend.ChangeFeed#probeListen()}).
   */
  private void probe() {
    try {
      backend.feed().probeListen();
    } catch (RuntimeException e) {
      LOG.debug(
          "node {}: the LISTEN probe could not be sent; the next heartbeat tries again: {}",
          nodeName,
          e.getMessage());
    }
  }

  private void record(int caches, boolean allMatched) {
    if (closed) {
      return; // the node is leaving the node table
    }
    try {
      coordination.recordNode(
          new NodeBeat(
              nodeId,
              nodeName,
              started,
              caches,
              allMatched,
              lastRepair,
              repaired.get(),
              backend.feed().listenStatus(),
              backend.feed().corruptNotifications(),
              backend.feed().forgedNotifications()),
          staleAfter);
      recordFailing = false;
    } catch (RuntimeException e) {
      if (!recordFailing) {
        recordFailing = true;
        LOG.warn(
            "node {}: cannot record the heartbeat in the node table: {}", nodeName, e.getMessage());
      }
    }
  }

  private void close() {
    closed = true;
    scheduler.shutdown();
    hints.shutdown();
    stop(scheduler, "heartbeat");
    stop(hints, "comparison asked for by a repair notice");
    try {
      coordination.removeNode(nodeId);
    } catch (RuntimeException e) {
      LOG.warn(
          "node {}: could not remove itself from the node table (it will be forgotten after {}"
              + " of silence): {}",
          nodeName,
          staleAfter,
          e.getMessage());
    }
    SyncRegistration.unregister(mbean);
  }

  /**
   * Runs {@code task} on the heartbeat's thread, as a long heartbeat would occupy it (for tests).
   */
  Future<?> occupyHeartbeatThread(Runnable task) {
    return scheduler.submit(task);
  }

  private void stop(ScheduledExecutorService executor, String what) {
    try {
      long wait = Closing.waitMillis(waitMillis);
      if (!executor.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        LOG.warn("node {}: {} still running after {} ms; interrupting it", nodeName, what, wait);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  /**
   * The lowest revision up to which the full replicas of {@code cache} have been compared; -1 when
   * one has not been yet (for tests).
   */
  long verifiedBelow(String cache) {
    long lowest = Long.MAX_VALUE;
    for (SyncTarget target : targets) {
      if (target.cacheName().equals(cache)) {
        lowest = Math.min(lowest, watch.verifiedBelow(target));
      }
    }
    return lowest == Long.MAX_VALUE ? -1 : lowest;
  }

  /** Heartbeat comparisons of a whole full replica (for tests and benchmarks). */
  long wholeComparisons() {
    return wholeComparisons.get();
  }

  /** Heartbeat comparisons of a full replica with only what changed (for tests and benchmarks). */
  long changeComparisons() {
    return changeComparisons.get();
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public String nodeName() {
    return nodeName;
  }

  @Override
  public long heartbeats() {
    return heartbeats.get();
  }

  @Override
  public long heartbeatFailures() {
    return failures.get();
  }

  @Override
  public Instant lastHeartbeat() {
    return lastHeartbeat;
  }

  @Override
  public boolean matched() {
    return matched;
  }

  @Override
  public Instant lastRepair() {
    return lastRepair;
  }

  @Override
  public long repairedEntries() {
    return repaired.get();
  }

  @Override
  public long rowsRead() {
    return rowsRead.get();
  }

  @Override
  public long keysCompared() {
    return keysCompared.get();
  }

  @Override
  public long corruptNotificationsSkipped() {
    return backend.feed().corruptNotifications();
  }

  @Override
  public long forgedNotificationsRefused() {
    return backend.feed().forgedNotifications();
  }

  @Override
  public org.pgjcache.ListenStatus listenStatus() {
    return backend.feed().listenStatus();
  }

  @Override
  public long listenReconnects() {
    return backend.feed().listenReconnects();
  }

  @Override
  public Map<String, CacheChecksum> caches() {
    Map<String, CacheChecksum> result = new LinkedHashMap<>();
    for (SyncTarget target : targets) {
      BucketSums sums = target.checksums();
      result.putIfAbsent(target.cacheName(), new CacheChecksum(sums.count(), sums.checksum()));
    }
    return result;
  }

  @Override
  public Map<String, org.pgjcache.store.Replica.TierStats> localTiers() {
    Map<String, org.pgjcache.store.Replica.TierStats> result = new LinkedHashMap<>();
    for (SyncTarget target : targets) {
      result.putIfAbsent(target.cacheName(), target.localTier());
    }
    return result;
  }

  @Override
  public void heartbeatNow() {
    Future<Boolean> done;
    try {
      done = scheduler.submit(() -> beat(Beat.NOW));
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("node " + nodeName + " is closed", e);
    }
    try {
      if (!done.get(waitMillis, TimeUnit.MILLISECONDS)) {
        throw new CacheException(
            "node " + nodeName + ": the heartbeat could not reach the database" + " (see the log)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("interrupted while waiting for a heartbeat", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new CacheException(
          "node " + nodeName + ": the heartbeat did not complete within " + waitMillis + " ms", e);
    }
  }

  @Override
  public String toString() {
    return "SyncAgent{" + nodeName + " " + nodeId + " on " + backend.describe() + "}";
  }
}
