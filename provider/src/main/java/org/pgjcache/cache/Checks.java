package org.pgjcache.cache;

import java.util.Objects;

/** The argument checks every operation starts with, worded once. */
final class Checks {

  private Checks() {}

  static void key(Object key) {
    Objects.requireNonNull(key, "a cache key must not be null");
  }

  static void value(Object value) {
    Objects.requireNonNull(value, "a cache value must not be null");
  }

  static void type(Class<?> type, Object instance, String what) {
    if (type != Object.class && !type.isInstance(instance)) {
      throw new ClassCastException(
          "the cache is configured for "
              + what
              + "s of type "
              + type.getName()
              + ", not "
              + instance.getClass().getName());
    }
  }
}
