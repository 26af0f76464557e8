package org.pgjcache.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The entries of one cache held on this node, keyed by the caller's key objects, each with the
 * revision that wrote it. The rest of the cache talks to this interface only, so that whether the
 * node holds the whole cache ({@link FullReplica}, every read a map lookup) or a bounded near cache
 * over PostgreSQL ({@link BoundedReplica}, a miss reads through) is decided once, where the cache
 * is built.
 *
 * <p>Every change goes through {@link #apply}, which keeps a key's revision monotonic, so echoes,
 * late notifications, catch-up fetches and read-through loads can arrive in any order without
 * moving a key backwards or resurrecting it.
 */
public interface Replica {

  /** How long a tombstone is kept to fence off late, older changes of a removed key. */
  long TOMBSTONE_MILLIS = 60_000;

  /**
   * For {@link #apply(Object, Object, long, long, long, long, ApplyHook)}: only a revision newer
   * than what is held and than the last clear.
   */
  long NEWER = Long.MIN_VALUE;

  /**
   * For {@link #apply(Object, Object, long, long, long, long, ApplyHook)}: a row just read from the
   * database, applied if newer than what is held, whatever clear came before (the database has it).
   */
  long REPAIR = Long.MIN_VALUE + 1;

  /** A full replica, holding every entry of the cache. */
  static Replica full() {
    return new FullReplica();
  }

  /** A replica holding at most {@code maxEntries} entries (values and tombstones). */
  static Replica bounded(long maxEntries) {
    return new BoundedReplica(maxEntries, false);
  }

  /**
   * As {@link #bounded(long)}; {@code keepIdentity} for store-by-reference caches: a value evicted
   * while the application still references it comes back as the same instance when read again at
   * the same revision.
   */
  static Replica bounded(long maxEntries, boolean keepIdentity) {
    return new BoundedReplica(maxEntries, keepIdentity);
  }

  /**
   * Whether this replica holds every entry of the cache, so that a key it does not hold is absent
   * from the cache; false for a bounded replica, whose misses must read through to the database.
   */
  boolean holdsAll();

  /** What the replica holds for a key: a value, a tombstone, or null (absent, or not held). */
  Versioned get(Object key);

  /**
   * What the replica holds for a key, as an application read that found it (a local-tier hit) or
   * null if it is not held, in which case the caller goes on with {@link #resolve}. Needs no clock
   * and no source, so the common hit of a bounded replica costs no more than its map lookup and
   * counter.
   */
  default Versioned lookup(Object key) {
    return get(key);
  }

  /**
   * What the replica holds for a key, reading it from {@code source} first if the replica may not
   * hold it (concurrent reads of one key share one load); a key the source does not have is held as
   * a tombstone at revision 0, which any committed change of the key replaces. A full replica never
   * reads.
   */
  Versioned resolve(Object key, long now, Source source);

  /**
   * As {@link #resolve} for many keys, reading the ones not held with one call of {@code source};
   * the result maps every key to what is held for it, or to null.
   */
  Map<Object, Versioned> resolveAll(Collection<?> keys, long now, BatchSource source);

  /**
   * Applies a change of {@code key} if {@code rev} is newer than what is held.
   *
   * @param held the value form to hold, or null to remove
   * @param now the current time, to date a tombstone
   */
  default Applied apply(
      Object key, Object held, long rev, long expireAt, long now, ApplyHook hook) {
    return apply(key, held, rev, expireAt, now, NEWER, hook);
  }

  /**
   * Applies a change of {@code key}: if {@code over} is {@link #NEWER}, only if {@code rev} is
   * newer than what is held; otherwise only if what is held has exactly revision {@code over},
   * whatever {@code rev} is (reconciliation, when the database turns out to be behind the replica).
   */
  Applied apply(
      Object key, Object held, long rev, long expireAt, long now, long over, ApplyHook hook);

  /**
   * Replaces what is held for a key by a value that exists on this node only; it keeps the revision
   * it replaces, so any later change from the database still wins.
   */
  Applied replaceLocal(Object key, Object held, long expireAt, ApplyHook hook);

  /** Moves the expiry instant of the entry at exactly {@code rev}; false if it has moved on. */
  boolean touch(Object key, long rev, long expireAt);

  /**
   * Replaces the value at exactly {@code rev} by a tombstone of the same revision (it expired
   * here); returns whether there was such an entry.
   */
  boolean dropAt(Object key, long rev, long now, ApplyHook hook);

  /**
   * Drops every entry written at or before {@code rev} (a clear); changes at or below it that
   * arrive later are not applied.
   */
  void clearUpTo(long rev);

  /** Drops everything. */
  void clear();

  /** Visits every held entry holding a value (expired or not). */
  void forEachValue(BiConsumer<Object, Versioned> visitor);

  /** A point-in-time list of the held keys holding values. */
  List<Object> keysWithValues();

  /** Forgets tombstones whose fencing period is over; returns how many. */
  int purgeTombstones(long now);

  /** Reports every change of what this replica counts to {@code observer}; set before loading. */
  void observe(ReplicaObserver observer);

  /**
   * Replaces what is held at exactly {@code rev} by an uncounted tombstone of that revision: the
   * database no longer has the key at all. Returns whether the entry was there.
   */
  boolean forgetAt(Object key, long rev, long now, ApplyHook hook);

  /** Visits every entry that counts in the checksum (see {@link Versioned#counted()}). */
  void forEachCounted(BiConsumer<Object, Versioned> visitor);

  /** Visits every held entry, values and tombstones alike. */
  void forEachHeld(BiConsumer<Object, Versioned> visitor);

  /** What the local tier has done so far; all zero but the size for a full replica. */
  TierStats tierStats();

  /** A read of one entry from the database, for read-through. */
  @FunctionalInterface
  interface Source {
    /**
     * The entry of {@code key} as stored now, or null if the database has no live or expired value.
     */
    Loaded load(Object key);
  }

  /** A read of many entries from the database in one query, for read-through. */
  @FunctionalInterface
  interface BatchSource {
    /** The entries that exist among {@code keys}, by key. */
    Map<Object, Loaded> loadAll(Collection<Object> keys);
  }

  /**
   * An entry read from the database.
   *
   * @param held the value form to hold
   * @param rev the revision that wrote it
   * @param expireAt its expiry instant
   */
  record Loaded(Object held, long rev, long expireAt) {}

  /**
   * Counters of the local tier.
   *
   * @param hits reads answered by what the tier held
   * @param misses reads that went to the database
   * @param evictions entries dropped to stay within the bound
   * @param size entries held now (values and tombstones)
   * @param maxEntries the bound, or -1 for a full replica
   */
  record TierStats(long hits, long misses, long evictions, long size, long maxEntries) {}
}
