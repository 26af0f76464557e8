package org.pgjcache.cache;

import javax.cache.processor.MutableEntry;
import org.pgjcache.integration.Loader;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on. It records what the processor
 * did (read, create, load, update, remove) so the invocation can apply exactly that, once the
 * processor returns.
 */
final class PgMutableEntry<K, V> implements MutableEntry<K, V> {

  /** The net effect of the processor on the entry. */
  enum Op {
    NONE,
    ACCESS,
    CREATE,
    LOAD,
    UPDATE,
    REMOVE
  }

  private final K key;
  private final boolean existed;
  private final V existing;
  private final Loader<K, V> loader;
  private final Class<?> valueType;
  private V value;
  private Op op = Op.NONE;

  PgMutableEntry(K key, V existing, Loader<K, V> loader, Class<?> valueType) {
    this.key = key;
    this.existed = existing != null;
    this.existing = existing;
    this.loader = loader;
    this.valueType = valueType;
  }

  Op op() {
    return op;
  }

  boolean existed() {
    return existed;
  }

  V value() {
    return value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    if (op == Op.NONE) {
      value = existing;
      if (value != null) {
        op = Op.ACCESS;
      }
    }
    if (value == null && op != Op.REMOVE && loader != null) {
      value = loader.load(key);
      if (value != null) {
        op = Op.LOAD;
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return op == Op.NONE || op == Op.ACCESS ? existed : value != null;
  }

  @Override
  public void remove() {
    op = op == Op.CREATE || op == Op.LOAD ? Op.NONE : Op.REMOVE;
    value = null;
    if (op == Op.NONE && existed) {
      op = Op.REMOVE;
    }
  }

  @Override
  public void setValue(V newValue) {
    if (newValue == null) {
      throw new NullPointerException("an entry processor cannot set a null value");
    }
    Checks.type(valueType, newValue, "value");
    op = existed ? Op.UPDATE : Op.CREATE;
    value = newValue;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a mutable entry to " + clazz.getName());
  }
}
