package org.pgjcache.sync;

import java.util.Collection;
import java.util.Map;
import org.pgjcache.NodeSync;
import org.pgjcache.backend.Row;

/**
 * One cache instance as the heartbeat sees it: a checksum to compare, the revisions it holds in a
 * few buckets, and a way to apply what the database says, raising the listener events a change from
 * another node would have raised.
 */
public interface SyncTarget {

  String cacheName();

  /** The replica's cheap summary now, compared at every heartbeat. */
  RevisionSums revisionSums();

  /** The replica's bucketed checksum now, compared when the summaries differ. */
  BucketSums checksums();

  /** Key text and revision of every counted entry whose key falls into one of {@code buckets}. */
  Map<String, Long> revisionsIn(int[] buckets);

  /**
   * Whether {@code key} at {@code rev} was found unreadable before (a key that cannot be decoded);
   * such rows are not read again until their revision changes.
   */
  boolean knownUnreadable(String key, long rev);

  /**
   * The revision of whatever is held for each of {@code keys} (values and tombstones alike), read
   * before the rows are: what {@link #repair} may overrule.
   */
  Map<String, Long> heldRevisions(Collection<String> keys);

  /**
   * Applies rows read from the database (values, or removals with a null value), each if newer than
   * what is held or, where the replica is ahead of the database, over exactly the revision {@code
   * before} recorded for it (the database is the truth); forgets {@code gone} keys (key text to the
   * revision held) that the database no longer has at all; raises CREATED, UPDATED and REMOVED
   * events.
   *
   * @return how many entries changed on this node
   */
  int repair(Collection<Row> rows, Map<String, Long> gone, Map<String, Long> before);

  /**
   * Whether this instance holds only part of the cache (a bounded replica): its checksum cannot be
   * compared with the table's, so the heartbeat compares the revisions of what it holds instead
   * ({@link #allHeldRevisions}), at a cost that grows with what is held, not with the table.
   */
  default boolean bounded() {
    return false;
  }

  /**
   * Key text and revision of everything held that the database should agree with: values applied
   * from commits and tombstones (removals, and keys read as absent at revision 0); not node-local
   * values.
   *
   * @param tombstones whether to list the tombstones (true) or the values (false)
   */
  default Map<String, Long> allHeldRevisions(boolean tombstones) {
    return Map.of();
  }

  /** What this instance's local tier has done and holds (see {@link NodeSync#localTiers()}). */
  default org.pgjcache.store.Replica.TierStats localTier() {
    return new org.pgjcache.store.Replica.TierStats(0, 0, 0, 0, -1);
  }

  /** Routine upkeep at each heartbeat (forgetting tombstones whose fencing period is over). */
  void housekeeping();

  /**
   * Tells the other nodes that the heartbeat compared this instance with the database, whole or
   * only what changed, and from which revision it repaired rows, if it did (best effort; see {@code
   * ChangeFeed#announceCompared}).
   */
  default void announceCompared(long repairedFrom, boolean whole) {}
}
