package org.pgjcache.cache;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import javax.cache.Cache;
import org.pgjcache.backend.Row;
import org.pgjcache.codec.CorruptDataException;
import org.pgjcache.event.EventBatch;
import org.pgjcache.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Iterates the cache, reading each value as it goes: entries removed or expired meanwhile are
 * skipped, and each entry returned counts as a hit and an access. Over a full replica it walks a
 * snapshot of the keys held; over a bounded one it walks the database in pages of {@link #PAGE}
 * rows in key order (a held entry wins over its row, being at least as new), so the whole cache is
 * never in memory and the local tier is not flooded by a scan.
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

  private static final Logger LOG = LoggerFactory.getLogger(EntryIterator.class);
  static final int PAGE = 1000;

  private final PgCache<K, V> cache;
  private final CacheCore<K, V> core;
  private final boolean paged;
  private Iterator<Object> keys;
  private Iterator<Row> rows = Collections.emptyIterator();
  private String after = "";
  private boolean lastPage;
  private PgEntry<K, V> next;
  private K last;

  EntryIterator(PgCache<K, V> cache, CacheCore<K, V> core) {
    this.cache = cache;
    this.core = core;
    this.paged = !core.replica.holdsAll();
    if (!paged) {
      List<Object> snapshot = core.replica.keysWithValues();
      this.keys = snapshot.iterator();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public boolean hasNext() {
    while (next == null) {
      K key;
      Versioned found;
      if (paged) {
        Row row = nextRow();
        if (row == null) {
          break;
        }
        try {
          key = (K) core.keys.decode(row.key());
        } catch (CorruptDataException e) {
          LOG.warn(
              "cache '{}': iteration skips a stored key that cannot be decoded: {}",
              core.name,
              e.getMessage());
          continue;
        }
        Versioned held = core.replica.get(key);
        found =
            held != null && held.rev() >= row.rev()
                ? held
                : Versioned.of(core.forms.holdEncoded(row.value()), row.rev(), row.expireAt());
      } else if (keys.hasNext()) {
        key = (K) keys.next();
        found = core.replica.get(key);
      } else {
        break;
      }
      long start = core.stats.start();
      long now = core.now();
      EventBatch batch = new EventBatch();
      Versioned live = core.live(key, found, now, batch);
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

  /** The next row of the database, reading the next page when this one is done; null at the end. */
  private Row nextRow() {
    if (!rows.hasNext()) {
      if (lastPage) {
        return null;
      }
      List<Row> page = core.store.page(core.name, after, PAGE);
      lastPage = page.size() < PAGE;
      if (page.isEmpty()) {
        return null;
      }
      after = page.get(page.size() - 1).key();
      rows = page.iterator();
    }
    return rows.next();
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
