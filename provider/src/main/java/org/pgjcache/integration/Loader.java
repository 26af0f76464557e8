package org.pgjcache.integration;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;

/**
 * Calls a cache's loader; whatever it throws reaches the caller as a {@link CacheLoaderException}.
 */
public final class Loader<K, V> {

  private final CacheLoader<K, V> loader;

  public Loader(CacheLoader<K, V> loader) {
    this.loader = loader;
  }

  public CacheLoader<K, V> delegate() {
    return loader;
  }

  /** The loaded value, or null if the loader has none. */
  public V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("cache loader failed to load key " + key + ": " + e, e);
    }
  }

  /** The loaded values, without null keys or values. */
  public Map<K, V> loadAll(Set<? extends K> keys) {
    Map<K, V> loaded;
    try {
      loaded = loader.loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException(
          "cache loader failed to load " + keys.size() + " keys: " + e, e);
    }
    Map<K, V> result = new HashMap<>();
    if (loaded != null) {
      loaded.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              result.put(k, v);
            }
          });
    }
    return result;
  }
}
