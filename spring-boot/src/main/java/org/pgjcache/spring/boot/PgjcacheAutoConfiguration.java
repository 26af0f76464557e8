package org.pgjcache.spring.boot;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import javax.sql.DataSource;
import org.pgjcache.PgCachingProvider;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheProperties;
import org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.Resource;

/**
 * Supplies the {@link CacheManager javax.cache.CacheManager} that Spring Boot's own JCache
 * configuration wraps into Spring's {@code JCacheCacheManager}, so that {@code @Cacheable} runs on
 * pgjcache with one dependency. It runs before {@link CacheAutoConfiguration} and takes the place
 * of Boot's {@code jCacheCacheManager} bean, because Boot's cannot be told three things pgjcache
 * needs:
 *
 * <ul>
 *   <li>the application's database: its {@code DataSource} object, which pgjcache then runs on
 *       instead of a pool of its own (and which Spring, not pgjcache, closes, after the cache
 *       manager), or {@code spring.datasource.*} without one ({@link DataSourceHandoff});
 *   <li>statistics for the caches it creates (JCache's default is off, which leaves Micrometer's
 *       {@code cache.gets} at 0; {@code pgjcache.statistics});
 *   <li>that a cache of {@code spring.cache.cache-names} declared in the pgjcache file too is to be
 *       reused, not created a second time ({@link CacheSetup}).
 * </ul>
 *
 * <p>Everything else stays Boot's: {@code spring.cache.jcache.config} names the pgjcache file (the
 * cache manager's URI), {@link JCacheManagerCustomizer} and {@code Configuration} beans are
 * applied, {@code CacheManagerCustomizer}s, Actuator's {@code /actuator/caches} and the cache
 * metrics work as for any JCache provider. The application still says {@code @EnableCaching}, as
 * Spring Boot requires.
 */
@AutoConfiguration(
    before = CacheAutoConfiguration.class,
    afterName = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
@ConditionalOnClass({Caching.class, JCacheCacheManager.class, PgCachingProvider.class})
@ConditionalOnBean(CacheAspectSupport.class)
@ConditionalOnMissingBean(
    value = org.springframework.cache.CacheManager.class,
    name = "cacheResolver")
@Conditional(PgjcacheSelectedCondition.class)
@EnableConfigurationProperties({CacheProperties.class, PgjcacheProperties.class})
public class PgjcacheAutoConfiguration implements BeanClassLoaderAware {

  /** The name of the cache manager bean, Boot's own name for it. */
  private static final String BEAN_NAME = "jCacheCacheManager";

  private ClassLoader beanClassLoader;

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.beanClassLoader = classLoader;
  }

  /**
   * pgjcache's cache manager, named as Boot's own so that Boot's stands back.
   *
   * @param cacheProperties {@code spring.cache.*}
   * @param pgjcache {@code pgjcache.*} of the starter
   * @param dataSource the application's DataSource, if it has one
   * @param defaultCacheConfiguration the configuration for caches of {@code
   *     spring.cache.cache-names}
   * @param customizers applied after the caches are created, as Boot does
   * @param beans to read {@code DataSourceProperties} when spring-jdbc is there
   * @return the opened manager; Spring closes it with the context
   * @throws IOException if the file of {@code spring.cache.jcache.config} has no URI
   */
  @Bean
  @ConditionalOnMissingBean
  public CacheManager jCacheCacheManager(
      CacheProperties cacheProperties,
      PgjcacheProperties pgjcache,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<Configuration<?, ?>> defaultCacheConfiguration,
      ObjectProvider<JCacheManagerCustomizer> customizers,
      ListableBeanFactory beans)
      throws IOException {
    ClassLoader classLoader = beanClassLoader;
    CachingProvider provider =
        Caching.getCachingProvider(PgCachingProvider.class.getName(), classLoader);
    Resource config =
        cacheProperties.resolveConfigLocation(cacheProperties.getJcache().getConfig());
    URI uri = config != null ? config.getURI() : provider.getDefaultURI();
    DataSourceHandoff.Decision connection =
        new DataSourceHandoff()
            .decide(
                uri,
                classLoader,
                pgjcache.isUseApplicationDataSource(),
                pgjcache.isUseApplicationDataSource() ? dataSource.getIfUnique() : null,
                pgjcache.isUseApplicationDataSource()
                    ? ApplicationDatabase.of(beans, classLoader)
                    : Optional.empty());
    Properties properties = connection.properties();
    if (connection.choice() == DataSourceHandoff.Choice.DATA_SOURCE) {
      closeBefore(properties.get(DataSourceHandoff.DATA_SOURCE), beans);
    }
    CacheManager manager = provider.getCacheManager(uri, classLoader, properties);
    try {
      new CacheSetup(pgjcache.isStatistics())
          .apply(
              manager, cacheProperties.getCacheNames(), defaultCacheConfiguration.getIfAvailable());
      customizers.orderedStream().forEach(customizer -> customizer.customize(manager));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return manager;
  }

  /**
   * Makes Spring close the cache manager before the DataSource it runs on: the manager still writes
   * at close (it leaves the node table), and the pool is the application's to close.
   */
  private static void closeBefore(Object dataSource, ListableBeanFactory beans) {
    if (!(beans instanceof ConfigurableListableBeanFactory factory)) {
      return;
    }
    for (String name : factory.getBeanNamesForType(DataSource.class, false, false)) {
      if (factory.getSingleton(name) == dataSource) {
        factory.registerDependentBean(name, BEAN_NAME);
      }
    }
  }
}
