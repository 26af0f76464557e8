package org.pgjcache.cache;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import javax.cache.Cache;
import org.pgjcache.event.EventBatch;
import org.pgjcache.store.Versioned;

/**
 * Iterates a snapshot of the keys the replica holds, reading each value as it goes: entries removed or
 * expired meanwhile are skipped, and each entry returned counts as a hit and an access.
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

  private final PgCache<K, V> cache;
  private final CacheCore<K, V> core;
  private final Iterator<Object> keys;
  private PgEntry<K, V> next;
  private K last;

  EntryIterator(PgCache<K, V> cache, CacheCore<K, V> core) {
    this.cache = cache;
    this.core = core;
    List<Object> snapshot = core.replica.keysWithValues();
    this.keys = snapshot.iterator();
  }

  @Override
  @SuppressWarnings("unchecked")
  public boolean hasNext() {
    while (next == null && keys.hasNext()) {
      K key = (K) keys.next();
      long start = core.stats.start();
      long now = core.now();
      EventBatch batch = new EventBatch();
      Versioned live = core.live(key, now, batch);
      batch.fire();
      V value = live == null ? null : core.readLenient(key, live);
      if (value != null) {
        next = new PgEntry<>(key, value);
        core.stats.hits(1);
        core.stats.getTime(start);
        Access.touch(core, key, live, now);
      }
    }
    return next != null;
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    PgEntry<K, V> result = next;
    next = null;
    last = result.getKey();
    return result;
  }

  @Override
  public void remove() {
    if (last == null) {
      throw new IllegalStateException("next() has not returned an entry to remove");
    }
    K key = last;
    last = null;
    cache.remove(key);
  }
}
