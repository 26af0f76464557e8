package org.pgjcache.cache;

import java.util.Map;
import java.util.Objects;
import javax.cache.Cache;

/** A key and value handed to callers (iteration) and writers. */
public final class PgEntry<K, V> implements Cache.Entry<K, V> {

  private final K key;
  private final V value;

  public PgEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a cache entry to " + clazz.getName());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Map.Entry<?, ?> e
        ? Objects.equals(key, e.getKey()) && Objects.equals(value, e.getValue())
        : o instanceof PgEntry<?, ?> p
            && Objects.equals(key, p.key)
            && Objects.equals(value, p.value);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(key) ^ Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
