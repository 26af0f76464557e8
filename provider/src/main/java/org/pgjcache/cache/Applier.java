package org.pgjcache.cache;

import javax.cache.event.EventType;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Row;
import org.pgjcache.event.EventBatch;
import org.pgjcache.store.Versioned;

/** Applies what a backend mutation committed to the replica of the cache that asked for it. */
final class Applier {

  private Applier() {}

  /**
   * @param value the value object the mutation stored, if it stored one (kept as is under
   *     store-by-reference)
   */
  @SuppressWarnings("unchecked")
  static <K, V> void apply(
      CacheCore<K, V> core, K key, V value, MutationResult result, EventBatch batch) {
    long now = core.now();
    catchUp(core, key, result.before(), now, batch);
    if (result.rev() == 0) {
      return;
    }
    Mutation mutation = result.mutation();
    if (mutation instanceof Mutation.Put put) {
      K held = (K) core.forms.copyKey(key);
      core.applyValue(
          held, core.forms.hold(value, put.value()), result.rev(), put.expireAt(), now, batch);
    } else if (mutation instanceof Mutation.Remove remove) {
      EventType type = remove.op() == Op.EXPIRE ? EventType.EXPIRED : EventType.REMOVED;
      core.applyRemoval(key, result.rev(), type, now, batch);
    } else if (mutation instanceof Mutation.Touch touch) {
      core.touch(key, result.rev(), touch.expireAt());
    }
  }

  /**
   * The entry the mutator saw under the key's lock is committed state. If this node has not heard
   * of it yet (its notification is still on the way) it is applied first, with the events it means
   * here, so that after the operation this node never reads anything older than what the operation
   * saw: a {@code putIfAbsent} that lost to another node reads the winner's value at once. The
   * notification, when it comes, is then no news.
   */
  @SuppressWarnings("unchecked")
  private static <K, V> void catchUp(
      CacheCore<K, V> core, K key, Row seen, long now, EventBatch batch) {
    if (seen == null || seen.rev() == 0 || seen.expiredAt(now)) {
      return;
    }
    Versioned held = core.replica.get(key);
    if (held != null && held.rev() >= seen.rev()) {
      return;
    }
    K heldKey = (K) core.forms.copyKey(key);
    if (held == null && !core.replica.holdsAll()) {
      // a bounded replica that does not hold the key (evicted since it was read): what the
      // operation
      // saw is no news to anyone, only the old value of the change that follows
      core.replica.apply(
          heldKey,
          core.forms.holdEncoded(seen.value()),
          seen.rev(),
          seen.expireAt(),
          now,
          org.pgjcache.store.ApplyHook.NONE);
      return;
    }
    core.applyValue(
        heldKey, core.forms.holdEncoded(seen.value()), seen.rev(), seen.expireAt(), now, batch);
  }
}
