package org.pgjcache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The revision-ordered rules shared by both kinds of replica, over whatever concurrent map holds
 * the entries: a plain one for a full replica, a size-bounded one for a bounded replica. Every
 * change goes through {@link #apply}, which keeps a key's revision monotonic. Reads are a plain map
 * lookup.
 */
abstract class MapReplica implements Replica {

  private static final int STRIPES = 64;

  private final ConcurrentMap<Object, Versioned> entries;

  /**
   * Writers of one key take its stripe around the change and its hook, so a key's events are queued
   * in the order the key changed and only once the change is visible to readers (a listener that
   * reads the cache on an event sees at least that change). Readers never take it.
   */
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  MapReplica(ConcurrentMap<Object, Versioned> entries) {
    this.entries = entries;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  private ReentrantLock stripe(Object key) {
    int h = key.hashCode();
    return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
  }

  @Override
  public Versioned get(Object key) {
    return entries.get(key);
  }

  /** The map of entries, for subclasses that read through or count what they hold. */
  final ConcurrentMap<Object, Versioned> entries() {
    return entries;
  }

  /** The lock writers of {@code key} hold around a change and its hook. */
  final ReentrantLock lockOf(Object key) {
    return stripe(key);
  }

  /** The revision of the last clear applied (see {@link #clearedAt}). */
  final long clearedAt() {
    return clearedAt;
  }

  /**
   * Told of every change applied while the key's stripe is held; a bounded replica fences loads.
   */
  void changed(Object key, long rev) {}

  /**
   * The revision of the last clear this replica applied: a change at or below it was committed
   * before the clear, so applying it late (a local put whose result arrives after another node's
   * clear) would resurrect a cleared entry.
   */
  private volatile long clearedAt;

  /**
   * Applies a change of {@code key}: if {@code over} is {@link #NEWER}, only if {@code rev} is
   * newer than what is held; otherwise only if what is held has exactly revision {@code over},
   * whatever {@code rev} is. The second form is for reconciliation, when the database turns out to
   * be behind the replica (a restored backup, or a change the database never committed): the
   * database wins, but only over the entry that was compared, never over a change applied
   * meanwhile.
   */
  @Override
  public Applied apply(
      Object key, Object held, long rev, long expireAt, long now, long over, ApplyHook hook) {
    Applied[] result = {Applied.STALE};
    Object[] stored = {key};
    ReentrantLock lock = stripe(key);
    lock.lock();
    try {
      entries.compute(
          key,
          (k, previous) -> {
            boolean newer = over == NEWER || over == REPAIR;
            if (newer
                ? previous != null && previous.rev >= rev || over == NEWER && rev <= clearedAt
                : previous == null || previous.rev != over || previous.rev == rev) {
              return previous;
            }
            Versioned next =
                held == null
                    ? new Versioned(null, rev, now + TOMBSTONE_MILLIS)
                    : new Versioned(held, rev, expireAt);
            result[0] = new Applied(true, previous, next, previous != null || holdsAll());
            stored[0] = k;
            counted(k, previous, next);
            return next;
          });
      changed(key, rev);
      if (result[0].applied()) {
        hook.applied(stored[0], result[0]);
      }
    } finally {
      lock.unlock();
    }
    return result[0];
  }

  /**
   * Replaces what is held for a key by a value that exists on this node only; it keeps the revision
   * it replaces, so any later change from the database still wins.
   */
  @Override
  public Applied replaceLocal(Object key, Object held, long expireAt, ApplyHook hook) {
    Applied[] result = {null};
    ReentrantLock lock = stripe(key);
    lock.lock();
    try {
      entries.compute(
          key,
          (k, previous) -> {
            Versioned next =
                new Versioned(
                    held,
                    previous == null ? 0 : previous.rev,
                    expireAt,
                    previous != null && previous.counted);
            result[0] = new Applied(true, previous, next);
            return next;
          });
      hook.applied(key, result[0]);
    } finally {
      lock.unlock();
    }
    return result[0];
  }

  /** Moves the expiry instant of the entry at exactly {@code rev}; false if it has moved on. */
  @Override
  public boolean touch(Object key, long rev, long expireAt) {
    boolean[] done = {false};
    entries.computeIfPresent(
        key,
        (k, current) -> {
          if (current.rev != rev || current.held == null) {
            return current;
          }
          done[0] = true;
          return new Versioned(current.held, rev, expireAt, current.counted);
        });
    return done[0];
  }

  /**
   * Replaces the value at exactly {@code rev} by a tombstone of the same revision: the entry is
   * gone here (it expired, or reconciliation found it gone), and the removal the database records
   * later, at a higher revision, is then not news. Returns whether there was such an entry.
   */
  @Override
  public boolean dropAt(Object key, long rev, long now, ApplyHook hook) {
    Applied[] dropped = {null};
    ReentrantLock lock = stripe(key);
    lock.lock();
    try {
      entries.computeIfPresent(
          key,
          (k, current) -> {
            if (current.rev != rev || current.held == null) {
              return current;
            }
            Versioned tombstone = new Versioned(null, rev, now + TOMBSTONE_MILLIS, current.counted);
            dropped[0] = new Applied(true, current, tombstone);
            return tombstone;
          });
      if (dropped[0] != null) {
        hook.applied(key, dropped[0]);
      }
    } finally {
      lock.unlock();
    }
    return dropped[0] != null;
  }

  /**
   * Drops every entry written at or before {@code rev} (a clear); later ones stay, and changes at
   * or below it that arrive later are not applied (see {@link #clearedAt}).
   */
  @Override
  public void clearUpTo(long rev) {
    synchronized (this) {
      if (rev > clearedAt) {
        clearedAt = rev;
      }
    }
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      Versioned v = e.getValue();
      if (v.rev <= rev && entries.remove(e.getKey(), v)) {
        counted(e.getKey(), v, null);
      }
    }
  }

  /** Drops everything. */
  @Override
  public void clear() {
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      if (entries.remove(e.getKey(), e.getValue())) {
        counted(e.getKey(), e.getValue(), null);
      }
    }
  }

  /** Visits every entry holding a value (expired or not). */
  @Override
  public void forEachValue(BiConsumer<Object, Versioned> visitor) {
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      if (e.getValue().held != null) {
        visitor.accept(e.getKey(), e.getValue());
      }
    }
  }

  /** A point-in-time list of the keys holding values. */
  @Override
  public List<Object> keysWithValues() {
    List<Object> keys = new ArrayList<>();
    forEachValue((k, v) -> keys.add(k));
    return keys;
  }

  /**
   * Forgets tombstones whose fencing period is over; a tombstone that still stands for a value the
   * database holds (see {@link Versioned#counted()}) stays until a newer change replaces it.
   */
  @Override
  public int purgeTombstones(long now) {
    int[] purged = {0};
    entries.forEach(
        (k, v) -> {
          if (v.held == null && !v.counted && v.expireAt <= now && entries.remove(k, v)) {
            purged[0]++;
          }
        });
    return purged[0];
  }

  // --- sync (heartbeat, reconciliation) ---

  private volatile ReplicaObserver observer = ReplicaObserver.NONE;

  /** Reports every change of what this replica counts to {@code observer}; set before loading. */
  @Override
  public void observe(ReplicaObserver observer) {
    this.observer = observer;
  }

  private void counted(Object key, Versioned before, Versioned after) {
    boolean was = before != null && before.counted;
    boolean is = after != null && after.counted;
    if (!was && !is || was && is && before.rev == after.rev) {
      return;
    }
    observer.changed(key, was ? before : null, is ? after : null);
  }

  /**
   * Replaces what is held at exactly {@code rev} (a value, or a value dropped here) by an uncounted
   * tombstone of that revision: the database no longer has the key at all (deleted by SQL, or
   * cleared), so there is no removal revision to apply. Raises the removal through {@code hook} if
   * a value went away. Returns whether the entry was there.
   */
  @Override
  public boolean forgetAt(Object key, long rev, long now, ApplyHook hook) {
    boolean[] forgotten = {false};
    Applied[] dropped = {null};
    ReentrantLock lock = stripe(key);
    lock.lock();
    try {
      entries.computeIfPresent(
          key,
          (k, current) -> {
            if (current.rev != rev || current.held == null && !current.counted) {
              return current;
            }
            forgotten[0] = true;
            Versioned tombstone = new Versioned(null, rev, now + TOMBSTONE_MILLIS, false);
            counted(k, current, tombstone);
            if (current.held != null) {
              dropped[0] = new Applied(true, current, tombstone);
            }
            return tombstone;
          });
      if (dropped[0] != null) {
        hook.applied(key, dropped[0]);
      }
    } finally {
      lock.unlock();
    }
    return forgotten[0];
  }

  /** Visits every entry that counts in the checksum (see {@link Versioned#counted()}). */
  @Override
  public void forEachCounted(BiConsumer<Object, Versioned> visitor) {
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      if (e.getValue().counted) {
        visitor.accept(e.getKey(), e.getValue());
      }
    }
  }

  @Override
  public void forEachHeld(BiConsumer<Object, Versioned> visitor) {
    entries.forEach(visitor);
  }
}
