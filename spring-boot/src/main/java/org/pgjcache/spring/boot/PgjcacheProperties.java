package org.pgjcache.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the starter itself decides, as Spring properties under {@code pgjcache.}; pgjcache's own
 * settings (database, table, serialization allowlist, declared caches ...) stay in the file named
 * by {@code spring.cache.jcache.config} and the other sources the provider reads.
 *
 * <p>These keys are meant for {@code application.properties} / {@code application.yaml}: pgjcache
 * refuses unknown {@code pgjcache.*} JVM system properties, so {@code -Dpgjcache.statistics=false}
 * would stop the cache manager from opening.
 */
@ConfigurationProperties(prefix = "pgjcache")
public class PgjcacheProperties {

  /**
   * Whether caches keep JCache statistics (what Micrometer's cache.gets, cache.puts and
   * cache.removals and the CacheStatistics MXBean report): the caches of spring.cache.cache-names,
   * and the caches declared in the pgjcache file that do not set caches.NAME.statistics themselves.
   */
  private boolean statistics = true;

  /**
   * Whether pgjcache connects to the application's database (its DataSource, or else
   * spring.datasource.url/username/password) when no jdbc-url is given to pgjcache itself.
   */
  private boolean useApplicationDataSource = true;

  public boolean isStatistics() {
    return statistics;
  }

  public void setStatistics(boolean statistics) {
    this.statistics = statistics;
  }

  public boolean isUseApplicationDataSource() {
    return useApplicationDataSource;
  }

  public void setUseApplicationDataSource(boolean useApplicationDataSource) {
    this.useApplicationDataSource = useApplicationDataSource;
  }
}
