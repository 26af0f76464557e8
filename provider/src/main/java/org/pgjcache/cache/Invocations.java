package org.pgjcache.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Row;
import org.pgjcache.event.EventBatch;
import org.pgjcache.expiry.ExpiryCalculator;

/**
 * Runs entry processors. The processor runs in the calling JVM (it need not be serializable) while
 * the backend holds the key's lock, so an {@code invoke} is atomic across every node.
 */
final class Invocations<K, V> {

  private final CacheCore<K, V> core;
  private final Class<?> valueType;

  Invocations(CacheCore<K, V> core, Class<?> valueType) {
    this.core = core;
    this.valueType = valueType;
  }

  <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    long start = core.stats.start();
    EventBatch batch = new EventBatch();
    core.live(key, core.now(), batch);
    Object[] result = new Object[1];
    @SuppressWarnings("unchecked")
    PgMutableEntry<K, V>[] seen = new PgMutableEntry[1];
    String keyText = core.keyText(key);
    core.touches.flush(keyText);
    MutationResult committed =
        core.store.mutate(
            core.name,
            keyText,
            core.origin(),
            row -> {
              long now = core.now();
              boolean live = row != null && !row.expiredAt(now);
              PgMutableEntry<K, V> entry =
                  new PgMutableEntry<>(
                      key, live ? core.valueOrNull(key, row) : null, core.loader, valueType);
              seen[0] = entry;
              result[0] = process(processor, entry, arguments);
              return decide(entry, row, now);
            });
    PgMutableEntry<K, V> entry = seen[0];
    if (entry.existed()) {
      core.stats.hits(1);
    } else {
      core.stats.misses(1);
    }
    core.stats.getTime(start);
    Applier.apply(core, key, entry.value(), committed, batch);
    if (committed.rev() > 0) {
      if (entry.op() == PgMutableEntry.Op.CREATE || entry.op() == PgMutableEntry.Op.UPDATE) {
        core.stats.puts(1);
        core.stats.putTime(start);
      } else if (entry.op() == PgMutableEntry.Op.REMOVE) {
        core.stats.removals(1);
        core.stats.removeTime(start);
      }
    }
    batch.fire();
    @SuppressWarnings("unchecked")
    T typed = (T) result[0];
    return typed;
  }

  private static <K, V, T> T process(
      EntryProcessor<K, V, T> processor, PgMutableEntry<K, V> entry, Object... arguments) {
    try {
      return processor.process(entry, arguments);
    } catch (CacheException e) {
      throw e;
    } catch (Exception e) {
      throw new EntryProcessorException(e);
    }
  }

  private Mutation decide(PgMutableEntry<K, V> entry, Row row, long now) {
    switch (entry.op()) {
      case ACCESS:
        {
          long expireAt = core.expiry.forAccess(now);
          return expireAt == ExpiryCalculator.KEEP ? Mutation.NONE : Mutation.touch(expireAt);
        }
      case CREATE:
      case LOAD:
        {
          if (entry.op() == PgMutableEntry.Op.CREATE && core.writer != null) {
            core.writer.write(new PgEntry<>(entry.getKey(), entry.value()));
          }
          long expireAt = core.expiry.forCreation(now);
          return expireAt <= now
              ? Mutation.NONE
              : Mutation.put(core.forms.codec().encode(entry.value()), expireAt);
        }
      case UPDATE:
        {
          if (core.writer != null) {
            core.writer.write(new PgEntry<>(entry.getKey(), entry.value()));
          }
          long expireAt = ExpiryCalculator.orKeep(core.expiry.forUpdate(now), row.expireAt());
          return Mutation.put(core.forms.codec().encode(entry.value()), expireAt);
        }
      case REMOVE:
        if (core.writer != null) {
          core.writer.delete(entry.getKey());
        }
        return entry.existed() ? Mutation.remove() : Mutation.NONE;
      default:
        return Mutation.NONE;
    }
  }

  <T> Map<K, EntryProcessorResult<T>> invokeAll(
      Set<? extends K> keys, EntryProcessor<K, V, T> processor, Object... arguments) {
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (Exception e) {
        EntryProcessorException failure =
            e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
        results.put(
            key,
            () -> {
              throw failure;
            });
      }
    }
    return results;
  }
}
