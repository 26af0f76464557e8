package org.pgjcache.cache;

import org.pgjcache.expiry.ExpiryCalculator;
import org.pgjcache.store.Versioned;

/**
 * What a read hit does to the entry's expiry: asks the policy, moves the replica, defers the write.
 */
final class Access {

  private Access() {}

  static <K, V> void touch(CacheCore<K, V> core, K key, Versioned live, long now) {
    long expireAt = core.expiry.forAccess(now);
    if (expireAt == ExpiryCalculator.KEEP || expireAt == live.expireAt()) {
      return;
    }
    if (core.touch(key, live.rev(), expireAt)
        || !core.replica.holdsAll() && core.replica.get(key) == null) {
      // moved here, or read from the database by a bounded replica that does not hold it
      core.touches.defer(core.keyText(key), live.rev(), expireAt);
    }
  }
}
