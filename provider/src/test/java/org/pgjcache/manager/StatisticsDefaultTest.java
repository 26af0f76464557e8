package org.pgjcache.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

/**
 * {@code pgjcache.statistics} and {@code pgjcache.management} turn statistics and the configuration
 * MXBean on for every cache a manager creates (JCache's own default is off), unless a declared
 * cache says otherwise.
 */
class StatisticsDefaultTest {

  private static CacheManager manager(String name, Properties extra) {
    Properties p = new Properties();
    p.setProperty("pgjcache.backend", "memory");
    p.putAll(extra);
    CachingProvider provider = Caching.getCachingProvider();
    return provider.getCacheManager(
        URI.create("pgjcache:statistics-default-" + name), provider.getDefaultClassLoader(), p);
  }

  private static CompleteConfiguration<?, ?> configuration(Cache<?, ?> cache) {
    return cache.getConfiguration(CompleteConfiguration.class);
  }

  @Test
  void theDefaultsApplyToCreatedAndDeclaredCachesUnlessADeclarationSaysOtherwise() {
    Properties p = new Properties();
    p.setProperty("pgjcache.statistics", "true");
    p.setProperty("pgjcache.management", "true");
    p.setProperty("pgjcache.caches.declared.key-type", "java.lang.String");
    p.setProperty("pgjcache.caches.quiet.statistics", "false");
    try (CacheManager manager = manager("on", p)) {
      Cache<String, String> created = manager.createCache("created", new MutableConfiguration<>());
      assertThat(configuration(created).isStatisticsEnabled()).isTrue();
      assertThat(configuration(created).isManagementEnabled()).isTrue();
      assertThat(configuration(manager.getCache("declared")).isStatisticsEnabled()).isTrue();
      assertThat(configuration(manager.getCache("quiet")).isStatisticsEnabled()).isFalse();
    }
  }

  @Test
  void withoutThemJCachesDefaultStands() {
    try (CacheManager manager = manager("off", new Properties())) {
      Cache<String, String> created = manager.createCache("created", new MutableConfiguration<>());
      assertThat(configuration(created).isStatisticsEnabled()).isFalse();
      assertThat(configuration(created).isManagementEnabled()).isFalse();
    }
  }
}
