package org.pgjcache.sync;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pgjcache.backend.Row;

/**
 * What nodes do together rather than for one cache call: the expiry reaper's one-node-at-a-time
 * role, the heartbeat's comparisons of replicas with the database, and the node table. It lives
 * with the heartbeat (which owns the arithmetic it returns, {@link Checksums}), and every engine
 * implements it beside its {@link org.pgjcache.backend.EntryStore}.
 */
public interface Coordination {

  // --- the expiry reaper's role ---

  /**
   * One step of the cluster's expiry reaper: if no other node is reaping at this moment (the role
   * is taken per step, so a node that dies never blocks the others), turns up to {@code limit}
   * entries whose expiry instant has passed on the backend's clock into removals at a new revision,
   * and announces them to every subscriber of every node, the reaping node's own included, as
   * {@link org.pgjcache.backend.Op#EXPIRE} changes. An entry changed meanwhile is left to its new
   * state.
   *
   * @return how many entries expired, or -1 if another node holds the reaper role right now
   */
  int expireDue(int limit);

  /**
   * Forgets up to {@code limit} removal markers (tombstones) older than {@code retentionMillis},
   * under the same one-node-at-a-time role as {@link #expireDue}. Tombstones keep revisions of
   * removed keys monotonic while late notifications may still be in flight; after that they are
   * only clutter.
   *
   * @return how many were deleted, or -1 if another node holds the reaper role right now
   */
  int purgeTombstones(long retentionMillis, int limit);

  // --- heartbeat and reconciliation ---

  /**
   * The {@link RevisionSums} of the entries holding a value, expired or not, of each named cache; a
   * cache without such entries maps to {@link RevisionSums#EMPTY} or is absent.
   */
  Map<String, RevisionSums> revisionSums(Collection<String> caches);

  /**
   * The bucketed checksums ({@link Checksums}) of the entries holding a value, expired or not, of
   * each named cache; a cache without such entries maps to {@link BucketSums#EMPTY} or is absent.
   */
  Map<String, BucketSums> checksums(Collection<String> caches);

  /** Key text and revision of each entry holding a value whose key is in one of {@code buckets}. */
  Map<String, Long> revisionsInBuckets(String cache, int[] buckets);

  /**
   * The rows of {@code keys} as they are now, removals included as rows with a null value; keys the
   * backend has no row for are absent.
   */
  Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys);

  /**
   * The revision of each of {@code keys} that has a row (a value or a removal): how a bounded
   * replica compares what it holds with the database, reading no more than it holds.
   */
  default Map<String, Long> revisionsOf(String cache, Collection<String> keys) {
    Map<String, Long> found = new HashMap<>();
    rowsOrTombstones(cache, keys).forEach((key, row) -> found.put(key, row.rev()));
    return found;
  }

  /**
   * Where revisions stand now: the last revision handed out, and for each named cache that exists
   * the revision at which rows of it last left the table (a clear, a destroy, a DELETE or TRUNCATE
   * by hand; 0 if never); a cache without an entry there was destroyed. With it and {@link
   * #changedSince}, a heartbeat compares only what changed. Null when this backend cannot tell
   * (then every heartbeat compares whole caches).
   */
  default Horizon horizon(Collection<String> caches) {
    return null;
  }

  /**
   * Up to {@code limit} rows of {@code cache} (values and removals) whose revision is above {@code
   * afterRev}, oldest first; only where {@link #horizon} is not null.
   */
  default List<Changed> changedSince(String cache, long afterRev, int limit) {
    throw new UnsupportedOperationException("this backend cannot list changes by revision");
  }

  /**
   * See {@link #horizon}.
   *
   * @param revision the last revision handed out
   * @param cleared per existing cache, the revision of the last deletion of its rows
   */
  record Horizon(long revision, Map<String, Long> cleared) {}

  /** A row of {@link #changedSince}: its key text, revision, and whether it is a removal. */
  record Changed(String key, long rev, boolean removed) {}

  /**
   * Records a node's heartbeat in the node table, and forgets nodes that have been silent for
   * longer than {@code staleAfter} (a node that was only slow records itself again at its next
   * heartbeat).
   */
  void recordNode(NodeBeat beat, Duration staleAfter);

  /** Removes a node from the node table (it is closing). */
  void removeNode(String nodeId);
}
