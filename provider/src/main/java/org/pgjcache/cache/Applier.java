package org.pgjcache.cache;

import javax.cache.event.EventType;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Op;
import org.pgjcache.event.EventBatch;

/** Applies what a backend mutation committed to the replica of the cache that asked for it. */
final class Applier {

  private Applier() {
  }

  /**
   * @param value the value object the mutation stored, if it stored one (kept as is under
   *     store-by-reference)
   */
  @SuppressWarnings("unchecked")
  static <K, V> void apply(CacheCore<K, V> core, K key, V value, MutationResult result,
      EventBatch batch) {
    if (result.rev() == 0) {
      return;
    }
    long now = core.now();
    Mutation mutation = result.mutation();
    if (mutation instanceof Mutation.Put put) {
      K held = (K) core.forms.copyKey(key);
      core.applyValue(held, core.forms.hold(value, put.value()), result.rev(), put.expireAt(), now,
          batch);
    } else if (mutation instanceof Mutation.Remove remove) {
      EventType type = remove.op() == Op.EXPIRE ? EventType.EXPIRED : EventType.REMOVED;
      core.applyRemoval(key, result.rev(), type, now, batch);
    } else if (mutation instanceof Mutation.Touch touch) {
      core.replica.touch(key, result.rev(), touch.expireAt());
    }
  }
}
