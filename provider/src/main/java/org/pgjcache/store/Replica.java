package org.pgjcache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The entries of one cache held on this node, keyed by the caller's key objects.
 *
 * <p>Every change goes through {@link #apply}, which keeps a key's revision monotonic. Reads are a plain
 * map lookup.
 */
public final class Replica {

  /** How long a tombstone is kept to fence off late, older changes of a removed key. */
  static final long TOMBSTONE_MILLIS = 60_000;

  private final ConcurrentHashMap<Object, Versioned> entries = new ConcurrentHashMap<>();

  /** What the replica holds for a key: a value, a tombstone, or null. */
  public Versioned get(Object key) {
    return entries.get(key);
  }

  /**
   * Applies a change of {@code key} if {@code rev} is newer than what is held.
   *
   * @param held the value form to hold, or null to remove
   * @param now the current time, to date a tombstone
   */
  public Applied apply(Object key, Object held, long rev, long expireAt, long now, ApplyHook hook) {
    Applied[] result = {Applied.STALE};
    entries.compute(key, (k, previous) -> {
      if (previous != null && previous.rev >= rev) {
        return previous;
      }
      Versioned next = held == null
          ? new Versioned(null, rev, now + TOMBSTONE_MILLIS)
          : new Versioned(held, rev, expireAt);
      result[0] = new Applied(true, previous, next);
      counted(k, previous, next);
      hook.applied(k, result[0]);
      return next;
    });
    return result[0];
  }

  /**
   * Replaces what is held for a key by a value that exists on this node only; it keeps the revision it
   * replaces, so any later change from the database still wins.
   */
  public Applied replaceLocal(Object key, Object held, long expireAt, ApplyHook hook) {
    Applied[] result = {null};
    entries.compute(key, (k, previous) -> {
      Versioned next = new Versioned(held, previous == null ? 0 : previous.rev, expireAt,
          previous != null && previous.counted);
      result[0] = new Applied(true, previous, next);
      hook.applied(k, result[0]);
      return next;
    });
    return result[0];
  }

  /** Moves the expiry instant of the entry at exactly {@code rev}; false if it has moved on. */
  public boolean touch(Object key, long rev, long expireAt) {
    boolean[] done = {false};
    entries.computeIfPresent(key, (k, current) -> {
      if (current.rev != rev || current.held == null) {
        return current;
      }
      done[0] = true;
      return new Versioned(current.held, rev, expireAt, current.counted);
    });
    return done[0];
  }

  /**
   * Replaces the value at exactly {@code rev} by a tombstone of the same revision: the entry is gone
   * here (it expired, or reconciliation found it gone), and the removal the database records later, at
   * a higher revision, is then not news. Returns whether there was such an entry.
   */
  public boolean dropAt(Object key, long rev, long now, ApplyHook hook) {
    boolean[] dropped = {false};
    entries.computeIfPresent(key, (k, current) -> {
      if (current.rev != rev || current.held == null) {
        return current;
      }
      dropped[0] = true;
      Versioned tombstone = new Versioned(null, rev, now + TOMBSTONE_MILLIS, current.counted);
      hook.applied(k, new Applied(true, current, tombstone));
      return tombstone;
    });
    return dropped[0];
  }

  /** Drops every entry written at or before {@code rev} (a clear); later ones stay. */
  public void clearUpTo(long rev) {
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      Versioned v = e.getValue();
      if (v.rev <= rev && entries.remove(e.getKey(), v)) {
        counted(e.getKey(), v, null);
      }
    }
  }

  /** Drops everything. */
  public void clear() {
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      if (entries.remove(e.getKey(), e.getValue())) {
        counted(e.getKey(), e.getValue(), null);
      }
    }
  }

  /** Visits every entry holding a value (expired or not). */
  public void forEachValue(BiConsumer<Object, Versioned> visitor) {
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      if (e.getValue().held != null) {
        visitor.accept(e.getKey(), e.getValue());
      }
    }
  }

  /** A point-in-time list of the keys holding values. */
  public List<Object> keysWithValues() {
    List<Object> keys = new ArrayList<>();
    forEachValue((k, v) -> keys.add(k));
    return keys;
  }

  /**
   * Forgets tombstones whose fencing period is over; a tombstone that still stands for a value the
   * database holds (see {@link Versioned#counted()}) stays until a newer change replaces it.
   */
  public int purgeTombstones(long now) {
    int[] purged = {0};
    entries.forEach((k, v) -> {
      if (v.held == null && !v.counted && v.expireAt <= now && entries.remove(k, v)) {
        purged[0]++;
      }
    });
    return purged[0];
  }

  /** Number of entries holding values that have not expired at {@code now}. */
  public int liveCount(long now) {
    int[] count = {0};
    entries.forEach((k, v) -> {
      if (v.isLive(now)) {
        count[0]++;
      }
    });
    return count[0];
  }

  // --- sync (heartbeat, reconciliation) ---

  private volatile ReplicaObserver observer = ReplicaObserver.NONE;

  /** Reports every change of what this replica counts to {@code observer}; set before loading. */
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
  public boolean forgetAt(Object key, long rev, long now, ApplyHook hook) {
    boolean[] forgotten = {false};
    entries.computeIfPresent(key, (k, current) -> {
      if (current.rev != rev || current.held == null && !current.counted) {
        return current;
      }
      forgotten[0] = true;
      Versioned tombstone = new Versioned(null, rev, now + TOMBSTONE_MILLIS, false);
      counted(k, current, tombstone);
      if (current.held != null) {
        hook.applied(k, new Applied(true, current, tombstone));
      }
      return tombstone;
    });
    return forgotten[0];
  }

  /** Visits every entry that counts in the checksum (see {@link Versioned#counted()}). */
  public void forEachCounted(BiConsumer<Object, Versioned> visitor) {
    for (Map.Entry<Object, Versioned> e : entries.entrySet()) {
      if (e.getValue().counted) {
        visitor.accept(e.getKey(), e.getValue());
      }
    }
  }
}
