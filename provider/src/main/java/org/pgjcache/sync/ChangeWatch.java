package org.pgjcache.sync;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a heartbeat compare a full replica with what changed since it was last found in line, rather
 * than with the whole cache: the database's cost of a heartbeat then grows with the changes of an
 * interval, not with the rows times the nodes.
 *
 * <p>It keeps, per cache instance, the revision below which every row has been compared ({@code
 * verifiedBelow}), and lists only rows above it from the {@code (cache, rev)} index. Revisions are
 * handed out before commit, so a row with a low revision may become visible late; such a row was
 * given its revision within one call bound of its commit (every statement of pgjcache's is cut at
 * statement-timeout, its call at statement-timeout + connect-timeout). So the mark advances only to
 * the last revision handed out at least {@code lag} (twice the call bound) before the check: every
 * row at or below it had committed, or failed, by then, and was seen.
 *
 * <p>What revisions cannot tell makes the next heartbeat compare the whole cache, as before: rows
 * that left the table (clear, destroy, a DELETE or TRUNCATE by hand: the database records their
 * revision per cache, see {@link Coordination#horizon}), revisions that went back (a restored
 * backup), more than {@link #MAX_CHANGES} changes since the mark, a cache instance seen for the
 * first time, and every {@link #WHOLE_EVERY}th heartbeat, as a net for what no revision records (a
 * row inserted by hand with a revision of its own choosing, a transaction by hand open for longer
 * than the lag). Such rows are the same for every node, so another node's whole comparison of the
 * cache, together with the revision it repaired from, stands in for this node's net.
 */
final class ChangeWatch {

  /** Heartbeats between whole-cache comparisons of a cache whose changes are compared. */
  static final int WHOLE_EVERY = 20;

  /** More changes than this since the mark make the heartbeat compare the whole cache. */
  static final int MAX_CHANGES = 100_000;

  private final Coordination coordination;
  private final long lagNanos;
  private final Map<SyncTarget, Mark> marks = new ConcurrentHashMap<>();

  /** {@code {nanoTime, revision}} of recent horizons, oldest first (the agent's thread only). */
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();

  private long beganAt;

  ChangeWatch(Coordination coordination, long lagMillis) {
    this.coordination = coordination;
    this.lagNanos = lagMillis * 1_000_000;
  }

  private static final class Mark {
    /** Moved by the heartbeat's thread; read by the thread of repair notices too. */
    volatile long verifiedBelow;

    long cleared;
    long horizon;

    /** Counted by the heartbeat's thread; set back to 0 by the thread of other nodes' notices. */
    volatile int sinceWhole;
  }

  /**
   * Reads where revisions stand at the start of a heartbeat; null when the backend cannot list
   * changes (then every comparison is of whole caches).
   */
  Coordination.Horizon begin(Collection<String> caches) {
    if (caches.isEmpty()) {
      return null;
    }
    Coordination.Horizon horizon = coordination.horizon(caches);
    beganAt = System.nanoTime();
    if (horizon != null) {
      samples.addLast(new long[] {beganAt, horizon.revision()});
      // keep the newest sample older than the lag, and every one after it
      while (samples.size() > 1 && beganAt - secondOldest()[0] >= lagNanos) {
        samples.removeFirst();
      }
    }
    return horizon;
  }

  private long[] secondOldest() {
    var it = samples.iterator();
    it.next();
    return it.next();
  }

  /**
   * Compares {@code target} with the rows changed since its mark, and repairs what differs; returns
   * null, having done nothing, when the whole cache must be compared instead.
   */
  Reconciler.Outcome compareChanges(
      SyncTarget target, Coordination.Horizon horizon, Reconciler reconciler) {
    Mark mark = marks.get(target);
    if (mark == null || horizon == null) {
      return null;
    }
    Long cleared = horizon.cleared().get(target.cacheName());
    if (cleared == null
        || cleared != mark.cleared
        || horizon.revision() < mark.horizon
        || mark.sinceWhole + 1 >= WHOLE_EVERY) {
      return null;
    }
    List<Coordination.Changed> changed =
        coordination.changedSince(target.cacheName(), mark.verifiedBelow, MAX_CHANGES + 1);
    if (changed.size() > MAX_CHANGES) {
      return null;
    }
    Reconciler.Outcome outcome = reconciler.reconcileChanged(target, changed);
    mark.sinceWhole++;
    advance(mark, horizon);
    return outcome;
  }

  /**
   * Compares {@code target} with the rows changed since its mark, or from {@code repairedFrom} if
   * that is older, and repairs what differs, for another node's repair notice: the mark does not
   * move (only the heartbeat moves it, having checked what revisions cannot show). Null, having
   * done nothing, when the instance has no mark yet or too many changes to list.
   *
   * @param repairedFrom the oldest revision the other node repaired; a row that became visible only
   *     after this node's mark passed its revision is found only from there
   */
  Reconciler.Outcome compareChangesFrom(
      SyncTarget target, Reconciler reconciler, long repairedFrom) {
    Mark mark = marks.get(target);
    if (mark == null) {
      return null;
    }
    long after = Math.min(mark.verifiedBelow, repairedFrom - 1);
    List<Coordination.Changed> changed =
        coordination.changedSince(target.cacheName(), after, MAX_CHANGES + 1);
    return changed.size() > MAX_CHANGES ? null : reconciler.reconcileChanged(target, changed);
  }

  /**
   * Another node compared the whole of the cache {@code target} holds, and this node has read what
   * it repaired: that stands in for this instance's next whole comparison, whose purpose, rows that
   * no revision shows, is the same on every node. So a cluster runs about one such net per {@link
   * #WHOLE_EVERY} heartbeats and cache, not one per node.
   */
  void comparedWholeElsewhere(SyncTarget target) {
    Mark mark = marks.get(target);
    if (mark != null) {
      mark.sinceWhole = 0;
    }
  }

  /**
   * Records that the whole of {@code target} was compared (and found in line, or repaired) in the
   * heartbeat that began with {@code horizon}.
   */
  void comparedWhole(SyncTarget target, Coordination.Horizon horizon) {
    Long cleared = horizon == null ? null : horizon.cleared().get(target.cacheName());
    if (cleared == null) {
      marks.remove(target);
      return;
    }
    Mark mark = new Mark();
    mark.cleared = cleared;
    advance(mark, horizon);
    marks.put(target, mark);
  }

  /** The revision up to which {@code target} has been compared; -1 without a mark (for tests). */
  long verifiedBelow(SyncTarget target) {
    Mark mark = marks.get(target);
    return mark == null ? -1 : mark.verifiedBelow;
  }

  /** Forgets a cache instance that left the heartbeat (or was found out of line). */
  void forget(SyncTarget target) {
    marks.remove(target);
  }

  private void advance(Mark mark, Coordination.Horizon horizon) {
    mark.horizon = horizon.revision();
    long cutoff = beganAt - lagNanos;
    long safe = 0;
    for (long[] sample : samples) {
      if (sample[0] - cutoff > 0) {
        break;
      }
      safe = sample[1];
    }
    mark.verifiedBelow = Math.max(mark.verifiedBelow, safe);
  }
}
