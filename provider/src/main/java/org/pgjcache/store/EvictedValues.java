package org.pgjcache.store;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values a store-by-reference bounded replica evicted, weakly held: JCache promises such a cache
 * hands back the very instance that was put, which eviction and a read from the database would
 * break. A value the application still references stays reachable here, and a read of its key at
 * the same revision gets it back; one nobody references is collected, and then no one can tell the
 * difference. Costs a map entry per evicted value until the collector clears it.
 */
final class EvictedValues {

  private final Map<Object, Ref> refs = new ConcurrentHashMap<>();
  private final ReferenceQueue<Versioned> cleared = new ReferenceQueue<>();

  /** A weak reference that knows its key, so a cleared one can be forgotten. */
  private static final class Ref extends WeakReference<Versioned> {
    final Object key;

    Ref(Object key, Versioned value, ReferenceQueue<Versioned> queue) {
      super(value, queue);
      this.key = key;
    }
  }

  void remember(Object key, Versioned value) {
    purge();
    refs.put(key, new Ref(key, value, cleared));
  }

  /**
   * The evicted entry of {@code key} at exactly {@code rev} if it is still reachable, else null.
   */
  Versioned recall(Object key, long rev) {
    purge();
    Ref ref = refs.get(key);
    Versioned value = ref == null ? null : ref.get();
    return value != null && value.rev == rev ? value : null;
  }

  private void purge() {
    for (Object r = cleared.poll(); r != null; r = cleared.poll()) {
      Ref ref = (Ref) r;
      refs.remove(ref.key, ref);
    }
  }
}
