package org.pgjcache.backend;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pgjcache.ListenStatus;

/**
 * The storage engine under every cache of a data source, shared by all cache managers of a JVM that
 * point at it.
 *
 * <p>Every method commits before it returns, or throws {@link javax.cache.CacheException} within
 * statement-timeout + connect-timeout of its call ({@link
 * org.pgjcache.config.Settings#callBound()}), even if the database never answers. Revisions of one
 * key only ever grow. Changes are announced to every subscriber of the cache except the one whose
 * origin made them.
 */
public interface Backend extends AutoCloseable {

  /** A description for logs and errors, e.g. {@code postgres host:5432/db}; never a password. */
  String describe();

  /**
   * Current time in epoch milliseconds on the backend's clock (estimated locally, no round trip).
   */
  long now();

  /** Declares a cache so the backend can keep its metadata; idempotent. */
  void ensureCache(String cache);

  /** Attaches a cache instance; changes by others arrive on {@code listener}. */
  Subscription subscribe(String cache, ChangeListener listener);

  /** The entry of a key, possibly expired, or null. */
  Row get(String cache, String key);

  /**
   * The entry that the change of {@code key} at exactly revision {@code rev} replaced (value null
   * if none), or null when the key has changed again since or the backend cannot tell: what a node
   * that does not hold the key reports as the change's old value.
   */
  default Row prior(String cache, String key, long rev) {
    return null;
  }

  /** The entries that exist among {@code keys}, by key. */
  Map<String, Row> getAll(String cache, Collection<String> keys);

  /** Every entry of a cache, possibly expired, in no particular order. */
  void scan(String cache, Consumer<Row> sink);

  /** Stores a value unconditionally; returns the revision of the change. */
  long put(String cache, Write write, String origin);

  /** Stores many values in one step; returns their revisions in order. */
  long[] putAll(String cache, List<Write> writes, String origin);

  /**
   * Removes a key if it holds a live (unexpired) entry; returns the revision, or 0 if there was
   * none.
   */
  long remove(String cache, String key, String origin);

  /**
   * Removes many keys in one step; the revision of each removal, 0 where there was no live entry.
   */
  long[] removeAll(String cache, List<String> keys, String origin);

  /**
   * Moves the expiry instant of the entry at revision {@code rev} (accessed expiry); does nothing
   * if the entry has changed since.
   */
  void touch(String cache, String key, long rev, long expireAt, String origin);

  /**
   * Removes every entry of a cache without per-entry announcements; returns the clear's revision.
   */
  long clear(String cache, String origin);

  /** Decides and applies a conditional change under the key's lock. */
  MutationResult mutate(String cache, String key, String origin, Mutator mutator);

  /** Deletes a cache's entries and metadata, and tells other nodes. */
  void destroy(String cache, String origin);

  /** Releases connections and threads once no cache manager uses this backend any more. */
  @Override
  void close();

  // --- expiry (reaper) ---

  /**
   * One step of the cluster's expiry reaper: if no other node is reaping at this moment (the role
   * is taken per step, so a node that dies never blocks the others), turns up to {@code limit}
   * entries whose expiry instant has passed on the backend's clock into removals at a new revision,
   * and announces them to every subscriber of every node, the reaping node's own included, as
   * {@link Op#EXPIRE} changes. An entry changed meanwhile is left to its new state.
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

  // --- sync (heartbeat, reconciliation) ---

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
    Map<String, Long> found = new java.util.HashMap<>();
    rowsOrTombstones(cache, keys).forEach((key, row) -> found.put(key, row.rev()));
    return found;
  }

  /**
   * Up to {@code limit} entries holding a value (expired or not) whose keys come after {@code
   * after} in key order ("" for the first page): iteration over a cache larger than a node holds,
   * one page in memory at a time.
   */
  default List<Row> page(String cache, String after, int limit) {
    java.util.TreeMap<String, Row> next = new java.util.TreeMap<>();
    scan(
        cache,
        row -> {
          if (row.key().compareTo(after) > 0) {
            next.put(row.key(), row);
            if (next.size() > limit) {
              next.pollLastEntry();
            }
          }
        });
    return new java.util.ArrayList<>(next.values());
  }

  /**
   * Records a node's heartbeat in the node table, and forgets nodes that have been silent for
   * longer than {@code staleAfter} (a node that was only slow records itself again at its next
   * heartbeat).
   */
  void recordNode(NodeBeat beat, Duration staleAfter);

  /** Removes a node from the node table (it is closing). */
  void removeNode(String nodeId);

  /** How many times the notification connection was re-established; 0 if there is none. */
  /**
   * Runs {@code task} after every change of {@code cache} this node has received and not yet
   * applied, on the thread that applies them (a listener that blocks there holds up this cache
   * only); inline where changes are applied as they are made.
   */
  default void runInOrder(String cache, Runnable task) {
    task.run();
  }

  /**
   * Visits the removals of {@code cache} made in the last {@code millis} (tombstones, with their
   * revisions), so that a cache attaching now fences off a late or replayed older change of a key
   * removed just before it loaded; nothing where removals leave no trace.
   */
  default void recentRemovals(String cache, long millis, java.util.function.Consumer<Row> sink) {}

  /**
   * Where this node reports the expiry instants it learns of (its own writes, other nodes' changes,
   * touches), so the reaper can sweep when something is due rather than only every interval.
   */
  ExpiryHints expiryHints();

  default ListenStatus listenStatus() {
    return ListenStatus.inProcess(0);
  }

  /**
   * Checks that this node hears the changes it is sent: each heartbeat calls this. A backend whose
   * notification connection may be deaf (open, yet hearing nothing) sends itself one and reports
   * itself not listening ({@link #listenStatus()}) if it does not come back in time.
   */
  default void probeListen() {}

  default long listenReconnects() {
    return 0;
  }

  /** How many notifications could not be parsed and were skipped. */
  default long corruptNotifications() {
    return 0;
  }

  /** How many of those did not carry pgjcache's HMAC (sent by someone else). */
  default long forgedNotifications() {
    return 0;
  }
}
