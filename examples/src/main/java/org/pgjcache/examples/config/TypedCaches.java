package org.pgjcache.examples.config;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * Opens a typed cache by name, creating it on first use. Every node does the same, and the first
 * {@code createCache} of a name in a database creates its namespace there; later ones attach to it.
 */
final class TypedCaches {

  private TypedCaches() {}

  static <K, V> Cache<K, V> getOrCreate(
      CacheManager manager, String name, Class<K> keyType, Class<V> valueType) {
    Cache<K, V> cache = manager.getCache(name, keyType, valueType);
    if (cache != null) {
      return cache;
    }
    try {
      return manager.createCache(
          name, new MutableConfiguration<K, V>().setTypes(keyType, valueType));
    } catch (CacheException e) {
      // another thread of this node created it in the meantime
      Cache<K, V> created = manager.getCache(name, keyType, valueType);
      if (created == null) {
        throw e;
      }
      return created;
    }
  }
}
