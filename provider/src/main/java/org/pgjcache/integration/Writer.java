package org.pgjcache.integration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * Calls a cache's writer; whatever it throws reaches the caller as a {@link CacheWriterException}.
 * Batch calls report which entries the writer handled before failing, so the cache applies exactly
 * those.
 */
public final class Writer<K, V> {

  private final CacheWriter<Object, Object> writer;

  @SuppressWarnings("unchecked")
  public Writer(CacheWriter<? super K, ? super V> writer) {
    this.writer = (CacheWriter<Object, Object>) writer;
  }

  public CacheWriter<? super K, ? super V> delegate() {
    return writer;
  }

  public void write(Cache.Entry<? extends K, ? extends V> entry) {
    try {
      writer.write(entry);
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException(
          "cache writer failed to write key " + entry.getKey() + ": " + e, e);
    }
  }

  public void delete(Object key) {
    try {
      writer.delete(key);
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("cache writer failed to delete key " + key + ": " + e, e);
    }
  }

  /**
   * Writes a batch. The writer removes what it wrote from the collection it is given; on failure
   * the result still tells which entries were written.
   */
  public <E extends Cache.Entry<? extends K, ? extends V>> Batch<E> writeAll(List<E> entries) {
    Collection<Cache.Entry<?, ?>> pending = new ArrayList<>(entries);
    RuntimeException failure = null;
    try {
      writer.writeAll(pending);
      pending.clear();
    } catch (CacheWriterException e) {
      failure = e;
    } catch (Exception e) {
      failure = new CacheWriterException("cache writer failed to write a batch: " + e, e);
    }
    return Batch.of(entries, pending, failure);
  }

  /** Deletes a batch of keys, with the same partial-failure rule as {@link #writeAll}. */
  public <T> Batch<T> deleteAll(List<T> keys) {
    Collection<Object> pending = new ArrayList<>(keys);
    RuntimeException failure = null;
    try {
      writer.deleteAll(pending);
      pending.clear();
    } catch (CacheWriterException e) {
      failure = e;
    } catch (Exception e) {
      failure = new CacheWriterException("cache writer failed to delete a batch: " + e, e);
    }
    return Batch.of(keys, pending, failure);
  }

  /** What a batch call handled, and the failure to rethrow once the cache has applied it. */
  public record Batch<T>(List<T> done, RuntimeException failure) {

    static <T> Batch<T> of(List<T> all, Collection<?> pending, RuntimeException failure) {
      if (failure == null) {
        return new Batch<>(all, null);
      }
      Set<Object> left = Collections.newSetFromMap(new IdentityHashMap<>());
      left.addAll(pending);
      List<T> done = new ArrayList<>();
      for (T item : all) {
        if (!left.contains(item)) {
          done.add(item);
        }
      }
      return new Batch<>(done, failure);
    }

    public void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
