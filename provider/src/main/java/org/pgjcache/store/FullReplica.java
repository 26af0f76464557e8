package org.pgjcache.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replica of a cache without {@code max-entries}: every entry of the cache is held here, loaded
 * when the cache attaches and kept up to date by notifications and the heartbeat, so a read never
 * leaves the JVM and a key not held is absent.
 */
final class FullReplica extends MapReplica {

  FullReplica() {
    super(new ConcurrentHashMap<>());
  }

  @Override
  public boolean holdsAll() {
    return true;
  }

  @Override
  public Versioned resolve(Object key, long now, Source source) {
    return get(key);
  }

  @Override
  public Map<Object, Versioned> resolveAll(Collection<?> keys, long now, BatchSource source) {
    Map<Object, Versioned> held = new HashMap<>();
    for (Object key : keys) {
      held.put(key, get(key));
    }
    return held;
  }

  @Override
  public TierStats tierStats() {
    return new TierStats(0, 0, 0, entries().size(), -1);
  }
}
