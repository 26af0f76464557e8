package org.pgjcache.spring.boot;

import java.util.List;
import java.util.Map;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.config.CacheSettings;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the caches of {@code spring.cache.cache-names} and turns statistics on, where Spring
 * Boot's own JCache configuration would create every listed cache with the given (or a default)
 * configuration and fail on a cache that exists already: one declared in the pgjcache file, or one
 * an earlier application context left in the same (shared) cache manager.
 *
 * <p>Such a cache is reused as it is, and an INFO line says so: the file's declaration is the more
 * specific one (it carries expiry, types ...), and listing a cache in {@code
 * spring.cache.cache-names} as well is a harmless redundancy, not an error worth refusing to start
 * for.
 */
final class CacheSetup {

  private static final Logger LOG = LoggerFactory.getLogger(CacheSetup.class);

  private final boolean statistics;

  /**
   * @param statistics {@code pgjcache.statistics}
   */
  CacheSetup(boolean statistics) {
    this.statistics = statistics;
  }

  /**
   * @param manager the pgjcache manager, just opened
   * @param cacheNames {@code spring.cache.cache-names}
   * @param configuration the application's {@code Configuration} bean for new caches, or {@code
   *     null}
   */
  void apply(CacheManager manager, List<String> cacheNames, Configuration<?, ?> configuration) {
    PgCacheManagerImpl pg = manager.unwrap(PgCacheManagerImpl.class);
    Map<String, CacheSettings> declared = pg.settings().caches();
    String file = pg.settings().file().orElse(String.valueOf(manager.getURI()));
    if (statistics) {
      declared.forEach(
          (name, settings) -> {
            if (settings.statistics().isEmpty() && manager.getCache(name) != null) {
              manager.enableStatistics(name, true);
            }
          });
    }
    for (String name : cacheNames) {
      if (manager.getCache(name) != null) {
        if (declared.containsKey(name)) {
          LOG.info(
              "cache '{}' is declared in {} and listed in spring.cache.cache-names: using the"
                  + " declared cache with the file's settings (it can be left out of"
                  + " spring.cache.cache-names)",
              name,
              file);
        } else {
          LOG.info(
              "cache '{}' of spring.cache.cache-names exists already in cache manager {}:"
                  + " reusing it",
              name,
              manager.getURI());
        }
        continue;
      }
      manager.createCache(name, newCache(configuration));
    }
  }

  private MutableConfiguration<Object, Object> newCache(Configuration<?, ?> given) {
    MutableConfiguration<Object, Object> configuration;
    if (given == null) {
      configuration = new MutableConfiguration<>();
    } else if (given instanceof CompleteConfiguration<?, ?> complete) {
      configuration = copy(complete);
    } else {
      configuration = new MutableConfiguration<>();
      configuration.setTypes(type(given.getKeyType()), type(given.getValueType()));
      configuration.setStoreByValue(given.isStoreByValue());
    }
    if (statistics) {
      configuration.setStatisticsEnabled(true);
    }
    return configuration;
  }

  @SuppressWarnings("unchecked")
  private static MutableConfiguration<Object, Object> copy(CompleteConfiguration<?, ?> complete) {
    return new MutableConfiguration<>((CompleteConfiguration<Object, Object>) complete);
  }

  @SuppressWarnings("unchecked")
  private static Class<Object> type(Class<?> type) {
    return (Class<Object>) type;
  }
}
