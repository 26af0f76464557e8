package org.pgjcache.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Warns once per cache and class that entries of that class stay on this node only. */
final class LocalOnlyWarning {

  private static final Logger LOG = LoggerFactory.getLogger(LocalOnlyWarning.class);
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private LocalOnlyWarning() {}

  static void once(String cache, Object key, Object value, RuntimeException cause) {
    String what = cache + "/" + key.getClass().getName() + "/" + value.getClass().getName();
    if (WARNED.add(what)) {
      LOG.warn(
          "cache '{}' stores by reference an entry ({} -> {}) that cannot be serialized: it is"
              + " kept on this node only, not in PostgreSQL and not on other nodes ({})",
          cache,
          key.getClass().getName(),
          value.getClass().getName(),
          cause.getMessage());
    }
  }
}
