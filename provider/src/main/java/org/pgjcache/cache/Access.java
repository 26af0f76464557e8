package org.pgjcache.cache;

import org.pgjcache.expiry.ExpiryCalculator;
import org.pgjcache.store.Versioned;

/** What a read hit does to the entry's expiry: asks the policy, moves the replica, defers the write. */
final class Access {

  private Access() {
  }

  static <K, V> void touch(CacheCore<K, V> core, K key, Versioned live, long now) {
    long expireAt = core.expiry.forAccess(now);
    if (expireAt == ExpiryCalculator.KEEP || expireAt == live.expireAt()) {
      return;
    }
    if (core.touch(key, live.rev(), expireAt)) {
      core.touches.defer(core.keyText(key), live.rev(), expireAt);
    }
  }
}
