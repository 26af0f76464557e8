package org.pgjcache.expiry;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pgjcache.backend.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accessed-expiry updates waiting to be written. A read that extends an entry's life changes the
 * replica at once but reaches the database later, batched: a hot key read a thousand times between two
 * flushes costs one write, and no read waits for the network. The cache flushes the queue every 100 ms
 * and on close, and flushes one key before any operation the database decides for it; a touch written
 * after the entry changed or expired does nothing (it names the revision it extends).
 */
public final class TouchQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TouchQueue.class);

  private final String cache;
  private final Backend backend;
  private final Supplier<String> origin;
  private final Map<String, long[]> pending = new ConcurrentHashMap<>();

  public TouchQueue(String cache, Backend backend, Supplier<String> origin) {
    this.cache = cache;
    this.backend = backend;
    this.origin = origin;
  }

  /** Records that the entry of {@code key} at revision {@code rev} now expires at {@code expireAt}. */
  public void defer(String key, long rev, long expireAt) {
    pending.put(key, new long[] {rev, expireAt});
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }

  /**
   * Writes the pending touch of one key now, if there is one: an operation about to be decided by the
   * database must see the expiry the replica already shows.
   */
  public void flush(String key) {
    long[] touch = pending.remove(key);
    if (touch != null) {
      backend.touch(cache, key, touch[0], touch[1], origin.get());
    }
  }

  /** Writes every pending touch; a failed one is logged and dropped (the entry then expires earlier). */
  public void flush() {
    Iterator<Map.Entry<String, long[]>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, long[]> next = it.next();
      if (!pending.remove(next.getKey(), next.getValue())) {
        continue; // deferred again meanwhile (it.remove() would drop it): the next flush writes it
      }
      try {
        backend.touch(cache, next.getKey(), next.getValue()[0], next.getValue()[1], origin.get());
      } catch (RuntimeException | Error e) {
        LOG.warn("cache '{}': could not store the accessed expiry of a key; it will expire at its"
            + " previous instant on other nodes", cache, e);
      }
    }
  }
}
