package org.pgjcache.backend;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Where entries live: reads, unconditional and conditional writes, bulk writes and paging, each
 * committed (and announced to the other nodes) before it returns. Separate from the {@link
 * ChangeFeed}, which brings other nodes' changes in, so that a new engine or a test double can be
 * written one concern at a time.
 *
 * <p>Every method commits before it returns, or throws {@link javax.cache.CacheException} within
 * statement-timeout + connect-timeout of its call ({@link
 * org.pgjcache.config.Settings#callBound()}), even if the database never answers. Revisions of one
 * key only ever grow. Changes are announced to every subscriber of the cache except the one whose
 * origin made them.
 */
public interface EntryStore {

  /**
   * Current time in epoch milliseconds on the backend's clock (estimated locally, no round trip).
   */
  long now();

  /** Declares a cache so the backend can keep its metadata; idempotent. */
  void ensureCache(String cache);

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

  /**
   * Up to {@code limit} entries holding a value (expired or not) whose keys come after {@code
   * after} in key order ("" for the first page): iteration over a cache larger than a node holds,
   * one page in memory at a time.
   */
  default List<Row> page(String cache, String after, int limit) {
    TreeMap<String, Row> next = new TreeMap<>();
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
    return new ArrayList<>(next.values());
  }

  /**
   * Visits the removals of {@code cache} made in the last {@code millis} (tombstones, with their
   * revisions), so that a cache attaching now fences off a late or replayed older change of a key
   * removed just before it loaded; nothing where removals leave no trace.
   */
  default void recentRemovals(String cache, long millis, Consumer<Row> sink) {}
}
