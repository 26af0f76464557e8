package org.pgjcache.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The replica of a cache with {@code max-entries}: a near cache over PostgreSQL, so that a cache
 * can be larger than a node's heap. The entries live in a Caffeine cache bounded to {@code
 * max-entries} (W-TinyLFU chooses what to evict, which keeps hot keys against scans and one-hit
 * wonders); a key not held is read from the database by {@link #resolve} and then held like any
 * other entry.
 *
 * <p>Changes are applied by the same revision rules as in a full replica, held key or not (a change
 * of a key not held is inserted: it is cheap, and its event on the next change then has the old
 * value). A load that reads the database while a change of the key is being applied must not
 * install the older row it read: every load of a key is registered before it reads, every change of
 * that key records its revision in the registration ({@link #changed}), and a load whose row is
 * older than a change it saw, or that a clear overtook, reads again. A key the database does not
 * have is held as a tombstone at revision 0 (a negative entry): any change of the key, which is
 * newer by construction, replaces it, and it is forgotten with the other tombstones.
 */
final class BoundedReplica extends MapReplica {

  /**
   * How often a load overtaken by changes of its key reads again before it returns the row unheld.
   */
  private static final int MAX_ATTEMPTS = 3;

  private final Cache<Object, Versioned> tier;
  private final long maxEntries;
  private final Map<Object, Load> loads = new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** Counted here, not by Caffeine's recordStats(), which would add a counter to every read. */
  private final LongAdder evictions;

  /** Values evicted while still referenced, for store-by-reference identity; null if by value. */
  private final EvictedValues evicted;

  BoundedReplica(long maxEntries, boolean keepIdentity) {
    this(maxEntries, keepIdentity ? new EvictedValues() : null, new LongAdder());
  }

  private BoundedReplica(long maxEntries, EvictedValues evicted, LongAdder evictions) {
    this(
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .executor(Runnable::run)
            .evictionListener(
                (Object key, Versioned value, RemovalCause cause) -> {
                  if (cause.wasEvicted()) {
                    evictions.increment();
                  }
                  if (evicted != null && key != null && value != null && !value.isTombstone()) {
                    evicted.remember(key, value);
                  }
                })
            .build(),
        maxEntries,
        evicted,
        evictions);
  }

  private BoundedReplica(
      Cache<Object, Versioned> tier, long maxEntries, EvictedValues evicted, LongAdder evictions) {
    super(tier.asMap());
    this.tier = tier;
    this.maxEntries = maxEntries;
    this.evicted = evicted;
    this.evictions = evictions;
  }

  @Override
  public boolean holdsAll() {
    return false;
  }

  @Override
  void changed(Object key, long rev) {
    Load load = loads.get(key);
    if (load != null) {
      load.fence.accumulateAndGet(rev, Math::max);
    }
  }

  @Override
  public Versioned lookup(Object key) {
    Versioned held = get(key);
    if (held != null) {
      hits.increment();
    }
    return held;
  }

  @Override
  public Versioned resolve(Object key, long now, Source source) {
    Versioned held = lookup(key);
    if (held != null) {
      return held;
    }
    misses.increment();
    for (int attempt = 1; ; attempt++) {
      Load mine = new Load(clearedAt());
      Load running = loads.putIfAbsent(key, mine);
      if (running != null) {
        Versioned shared = running.join();
        if (shared != null) {
          return shared;
        }
        continue; // that load was overtaken; read again
      }
      try {
        Loaded row = source.load(key);
        Versioned result = install(key, row, mine, now);
        if (result == null && attempt >= MAX_ATTEMPTS) {
          // the key changes faster than it can be read: return the latest row without holding it
          result =
              row == null
                  ? new Versioned(null, 0, now + TOMBSTONE_MILLIS, false)
                  : new Versioned(row.held(), row.rev(), row.expireAt());
        }
        mine.result.complete(result);
        if (result != null) {
          return result;
        }
      } catch (RuntimeException | Error e) {
        mine.result.completeExceptionally(e);
        throw e;
      } finally {
        loads.remove(key, mine);
      }
    }
  }

  @Override
  public Map<Object, Versioned> resolveAll(Collection<?> keys, long now, BatchSource source) {
    Map<Object, Versioned> found = new HashMap<>();
    Map<Object, Load> mine = new HashMap<>();
    List<Object> shared = new ArrayList<>();
    for (Object key : keys) {
      Versioned held = get(key);
      if (held != null) {
        hits.increment();
        found.put(key, held);
        continue;
      }
      misses.increment();
      Load load = new Load(clearedAt());
      if (loads.putIfAbsent(key, load) == null) {
        mine.put(key, load);
      } else {
        shared.add(key);
      }
    }
    if (!mine.isEmpty()) {
      try {
        Map<Object, Loaded> rows = source.loadAll(new ArrayList<>(mine.keySet()));
        for (Map.Entry<Object, Load> e : mine.entrySet()) {
          Versioned result = install(e.getKey(), rows.get(e.getKey()), e.getValue(), now);
          e.getValue().result.complete(result);
          if (result != null) {
            found.put(e.getKey(), result);
          } else {
            shared.add(e.getKey()); // overtaken by a change: read it again on its own
          }
        }
      } catch (RuntimeException | Error e) {
        mine.values().forEach(load -> load.result.completeExceptionally(e));
        throw e;
      } finally {
        mine.forEach(loads::remove);
      }
    }
    for (Object key : shared) {
      found.put(key, resolve(key, now, k -> source.loadAll(List.of(k)).get(k)));
    }
    return found;
  }

  /**
   * Holds what a load read, unless a change of the key was applied meanwhile: returns what is held
   * then, or null if the load was overtaken (a newer change came and went, or a clear) and must
   * read again.
   */
  private Versioned install(Object key, Loaded row, Load load, long now) {
    ReentrantLock lock = lockOf(key);
    lock.lock();
    try {
      long rev = row == null ? 0 : row.rev();
      Versioned current = get(key);
      if (current != null && current.rev >= rev) {
        return current;
      }
      if (current == null && load.fence.get() > rev || clearedAt() != load.clearedAt) {
        return null;
      }
      Versioned next =
          row == null
              ? new Versioned(null, 0, now + TOMBSTONE_MILLIS, false)
              : new Versioned(row.held(), row.rev(), row.expireAt());
      if (row != null && evicted != null) {
        Versioned same = evicted.recall(key, row.rev());
        if (same != null) {
          next = new Versioned(same.held, row.rev(), row.expireAt());
        }
      }
      entries().put(key, next);
      return next;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public TierStats tierStats() {
    tier.cleanUp(); // pending evictions first: the size reported is within the bound
    return new TierStats(
        hits.sum(), misses.sum(), evictions.sum(), tier.estimatedSize(), maxEntries);
  }

  /** One read of a key from the database that other readers of the key wait for. */
  private static final class Load {
    final long clearedAt;
    final AtomicLong fence = new AtomicLong();
    final CompletableFuture<Versioned> result = new CompletableFuture<>();

    Load(long clearedAt) {
      this.clearedAt = clearedAt;
    }

    Versioned join() {
      try {
        return result.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw e;
      }
    }
  }
}
