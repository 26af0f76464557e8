package org.pgjcache.expiry;

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

  /** Whether this node has a touch of {@code key} not yet written (or being written). */
  public boolean hasPending(String key) {
    return pending.containsKey(key);
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }

  /**
   * Writes the pending touch of one key now, if there is one: an operation about to be decided by the
   * database must see the expiry the replica already shows.
   */
  public void flush(String key) {
    long[] touch = pending.get(key);
    if (touch != null) {
      try {
        backend.touch(cache, key, touch[0], touch[1], origin.get());
      } finally {
        pending.remove(key, touch);
      }
    }
  }

  /**
   * Writes every pending touch. The first one that fails ends the flush: it and the touches still
   * pending are logged and dropped (those entries then expire at their previous instant on other
   * nodes), so a database that does not answer costs one call's bound, not one per key.
   */
  public void flush() {
    for (Map.Entry<String, long[]> next : pending.entrySet()) {
      long[] touch = next.getValue();
      try {
        backend.touch(cache, next.getKey(), touch[0], touch[1], origin.get());
      } catch (RuntimeException | Error e) {
        int dropped = pending.size();
        pending.clear();
        LOG.warn("cache '{}': could not store the accessed expiry of {} keys; they will expire at"
            + " their previous instant on other nodes", cache, dropped, e);
        return;
      } finally {
        // a newer touch deferred meanwhile stays for the next flush
        pending.remove(next.getKey(), touch);
      }
    }
  }
}
