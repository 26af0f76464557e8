package org.pgjcache.expiry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pgjcache.backend.EntryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accessed-expiry updates waiting to be written. A read that extends an entry's life changes the
 * replica at once but reaches the database later, batched: a hot key read a thousand times between
 * two flushes costs one write, and no read waits for the network. The cache flushes the queue every
 * 100 ms and on close, and flushes one key before any operation the database decides for it; a
 * touch written after the entry changed or expired does nothing (it names the revision it extends).
 */
public final class TouchQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TouchQueue.class);

  private final String cache;
  private final EntryStore backend;
  private final Supplier<String> origin;
  private final Map<String, long[]> pending = new ConcurrentHashMap<>();

  public TouchQueue(String cache, EntryStore backend, Supplier<String> origin) {
    this.cache = cache;
    this.backend = backend;
    this.origin = origin;
  }

  /**
   * Records that the entry of {@code key} at revision {@code rev} now expires at {@code expireAt}.
   */
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
   * Writes the pending touch of one key now, if there is one: an operation about to be decided by
   * the database must see the expiry the replica already shows.
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
   * Writes every pending touch. A touch that fails for its own reason is logged and dropped (that
   * entry then expires at its previous instant on other nodes) and the others are still written;
   * one that fails because the database is out of reach (connection lost, call aborted or cancelled
   * at its bound) ends the flush and drops the rest too, so an outage costs one call's bound, not
   * one per key.
   */
  public void flush() {
    for (Map.Entry<String, long[]> next : pending.entrySet()) {
      long[] touch = next.getValue();
      try {
        backend.touch(cache, next.getKey(), touch[0], touch[1], origin.get());
      } catch (RuntimeException | Error e) {
        if (outOfReach(e)) {
          int dropped = pending.size();
          pending.clear();
          LOG.warn(
              "cache '{}': could not store the accessed expiry of {} keys (the database is out"
                  + " of reach); they will expire at their previous instant on other nodes",
              cache,
              dropped,
              e);
          return;
        }
        LOG.warn(
            "cache '{}': could not store the accessed expiry of a key; it will expire at its"
                + " previous instant on other nodes",
            cache,
            e);
      } finally {
        // a newer touch deferred meanwhile stays for the next flush
        pending.remove(next.getKey(), touch);
      }
    }
  }

  /**
   * Whether a failure says the database cannot be reached now, rather than something of one key.
   */
  static boolean outOfReach(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.io.IOException) {
        return true;
      }
      if (t instanceof java.sql.SQLException sql
          && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57"))) {
        return true;
      }
    }
    return false;
  }
}
