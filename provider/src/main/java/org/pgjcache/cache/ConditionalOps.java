package org.pgjcache.cache;

import java.util.Objects;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Mutator;
import org.pgjcache.backend.Row;
import org.pgjcache.event.EventBatch;
import org.pgjcache.expiry.ExpiryCalculator;

/**
 * The operations whose outcome depends on the current entry: decided by the backend under the key's
 * lock (so they are atomic across every node), then applied to the replica.
 */
final class ConditionalOps<K, V> {

  private final CacheCore<K, V> core;

  ConditionalOps(CacheCore<K, V> core) {
    this.core = core;
  }

  boolean putIfAbsent(K key, V value) {
    long start = core.stats.start();
    byte[] bytes = core.forms.codec().encode(value);
    Outcome<V> out =
        run(
            key,
            value,
            row -> {
              long now = core.now();
              if (isLive(row, now)) {
                return Mutation.NONE;
              }
              long expireAt = core.expiry.forCreation(now);
              write(key, value);
              return expireAt <= now ? Mutation.NONE : Mutation.put(bytes, expireAt);
            });
    out.finish(core, start);
    return out.put();
  }

  boolean replace(K key, V value) {
    return replaceIfPresent(key, value).put();
  }

  /**
   * Stores {@code value} if the key holds a live entry: both {@code replace(k, v)} and
   * getAndReplace.
   */
  private Outcome<V> replaceIfPresent(K key, V value) {
    long start = core.stats.start();
    byte[] bytes = core.forms.codec().encode(value);
    Outcome<V> out =
        run(
            key,
            value,
            row -> {
              long now = core.now();
              if (!isLive(row, now)) {
                return Mutation.NONE;
              }
              write(key, value);
              long expireAt = ExpiryCalculator.orKeep(core.expiry.forUpdate(now), row.expireAt());
              return Mutation.put(bytes, expireAt);
            });
    out.finish(core, start);
    return out;
  }

  boolean replace(K key, V oldValue, V newValue) {
    long start = core.stats.start();
    byte[] bytes = core.forms.codec().encode(newValue);
    Outcome<V> out =
        run(
            key,
            newValue,
            row -> {
              long now = core.now();
              if (!isLive(row, now)) {
                return Mutation.NONE;
              }
              if (!Objects.equals(oldValue, core.valueOrNull(key, row))) {
                return access(row, now);
              }
              write(key, newValue);
              long expireAt = ExpiryCalculator.orKeep(core.expiry.forUpdate(now), row.expireAt());
              return Mutation.put(bytes, expireAt);
            });
    out.finish(core, start);
    return out.put();
  }

  boolean remove(K key, V oldValue) {
    long start = core.stats.start();
    Outcome<V> out =
        run(
            key,
            null,
            row -> {
              long now = core.now();
              if (!isLive(row, now)) {
                return Mutation.NONE;
              }
              if (!Objects.equals(oldValue, core.valueOrNull(key, row))) {
                return access(row, now);
              }
              delete(key);
              return Mutation.remove();
            });
    out.finish(core, start);
    return out.removed();
  }

  V getAndPut(K key, V value) {
    long start = core.stats.start();
    byte[] bytes = core.forms.codec().encode(value);
    Outcome<V> out =
        run(
            key,
            value,
            row -> {
              long now = core.now();
              write(key, value);
              if (isLive(row, now)) {
                long expireAt = ExpiryCalculator.orKeep(core.expiry.forUpdate(now), row.expireAt());
                return Mutation.put(bytes, expireAt);
              }
              long expireAt = core.expiry.forCreation(now);
              return expireAt <= now ? Mutation.NONE : Mutation.put(bytes, expireAt);
            });
    out.finish(core, start);
    return out.old;
  }

  V getAndRemove(K key) {
    long start = core.stats.start();
    Outcome<V> out =
        run(
            key,
            null,
            row -> {
              delete(key);
              return isLive(row, core.now()) ? Mutation.remove() : Mutation.NONE;
            });
    out.finish(core, start);
    return out.old;
  }

  V getAndReplace(K key, V value) {
    return replaceIfPresent(key, value).old;
  }

  private Mutation access(Row row, long now) {
    long expireAt = core.expiry.forAccess(now);
    return expireAt == ExpiryCalculator.KEEP ? Mutation.NONE : Mutation.touch(expireAt);
  }

  private void write(K key, V value) {
    if (core.writer != null) {
      core.writer.write(new PgEntry<>(key, value));
    }
  }

  private void delete(K key) {
    if (core.writer != null) {
      core.writer.delete(key);
    }
  }

  private static boolean isLive(Row row, long now) {
    return row != null && !row.expiredAt(now);
  }

  /**
   * Runs a mutator for {@code key} and applies what it committed. The value it may store is {@code
   * value}; the outcome records the value seen before.
   */
  private Outcome<V> run(K key, V value, Mutator mutator) {
    Outcome<V> out = new Outcome<>();
    long now = core.now();
    core.live(key, now, out.batch);
    String keyText = core.keyText(key);
    core.touches.flush(keyText);
    MutationResult result =
        core.store.mutate(
            core.name,
            keyText,
            core.origin(),
            row -> {
              boolean live = isLive(row, core.now());
              out.existed = live;
              out.old = live ? core.valueOrNull(key, row) : null;
              return mutator.decide(row);
            });
    out.result = result;
    Applier.apply(core, key, value, result, out.batch);
    return out;
  }

  /** What one conditional operation saw and did. */
  private static final class Outcome<V> {
    final EventBatch batch = new EventBatch();
    boolean existed;
    V old;
    MutationResult result;

    boolean put() {
      return result.rev() > 0 && result.mutation() instanceof Mutation.Put;
    }

    boolean removed() {
      return result.rev() > 0 && result.mutation() instanceof Mutation.Remove;
    }

    /**
     * Counts the operation the way JCache's statistics do (a hit or miss for the lookup, a put or
     * removal for what changed), then delivers the synchronous events.
     */
    void finish(CacheCore<?, ?> core, long start) {
      if (existed) {
        core.stats.hits(1);
      } else {
        core.stats.misses(1);
      }
      core.stats.getTime(start);
      if (put()) {
        core.stats.puts(1);
        core.stats.putTime(start);
      } else if (removed()) {
        core.stats.removals(1);
        core.stats.removeTime(start);
      }
      batch.fire();
    }
  }
}
