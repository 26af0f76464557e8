package org.pgjcache.manager;

import javax.cache.CacheException;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.config.CacheSettings;
import org.pgjcache.config.Settings;
import org.pgjcache.expiry.ConfiguredExpiryPolicy;

/**
 * Turns the caches a configuration file declares ({@code pgjcache.caches.<name>.*}) into JCache
 * configurations, so that such caches exist as soon as the manager opens, as Ehcache's XML-declared
 * caches do; Spring and Hibernate then find them with {@code getCache}.
 */
final class DeclaredCaches {

  private DeclaredCaches() {}

  static MutableConfiguration<Object, Object> configuration(
      CacheSettings settings, Settings manager, ClassLoader classLoader) {
    MutableConfiguration<Object, Object> configuration = new MutableConfiguration<>();
    Class<Object> keyType = type(settings.keyType().orElse(null), classLoader, settings.name());
    Class<Object> valueType = type(settings.valueType().orElse(null), classLoader, settings.name());
    configuration.setTypes(keyType, valueType);
    settings.storeByValue().ifPresent(configuration::setStoreByValue);
    configuration.setStatisticsEnabled(settings.statistics().orElse(manager.statisticsDefault()));
    configuration.setManagementEnabled(settings.management().orElse(manager.managementDefault()));
    if (settings.expiryCreated().isPresent()
        || settings.expiryAccessed().isPresent()
        || settings.expiryModified().isPresent()) {
      configuration.setExpiryPolicyFactory(
          FactoryBuilder.factoryOf(
              new ConfiguredExpiryPolicy(
                  settings.expiryCreated().orElse(null),
                  settings.expiryAccessed().orElse(null),
                  settings.expiryModified().orElse(null))));
    }
    return configuration;
  }

  @SuppressWarnings("unchecked")
  private static Class<Object> type(String name, ClassLoader classLoader, String cache) {
    if (name == null) {
      return Object.class;
    }
    try {
      return (Class<Object>) Class.forName(name, false, classLoader);
    } catch (ClassNotFoundException e) {
      throw new CacheException(
          "cache '" + cache + "': type " + name + " is not on the class path", e);
    }
  }
}
