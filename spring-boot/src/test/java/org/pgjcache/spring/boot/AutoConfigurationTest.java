package org.pgjcache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.pgjcache.testkit.TestDatabase;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration in contexts of its own: a cache declared twice, statistics, and when it
 * stands back.
 */
@ExtendWith(OutputCaptureExtension.class)
class AutoConfigurationTest {

  private static String jdbcUrl;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  PgjcacheAutoConfiguration.class,
                  CacheAutoConfiguration.class))
          .withUserConfiguration(CachingOn.class);

  @BeforeAll
  static void database() {
    jdbcUrl = TestDatabase.get().createDatabase("starter_context");
  }

  private ApplicationContextRunner onTheDatabase() {
    return runner.withPropertyValues(
        "spring.datasource.url=" + jdbcUrl,
        "spring.datasource.username=" + TestDatabase.get().user(),
        "spring.datasource.password=" + TestDatabase.get().password());
  }

  @Test
  void aCacheDeclaredInTheFileAndInCacheNamesIsReusedWithTheFilesSettings(CapturedOutput output) {
    onTheDatabase()
        .withPropertyValues(
            "spring.cache.cache-names=books,authors",
            "spring.cache.jcache.config=classpath:declared/pgjcache.yaml")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              javax.cache.CacheManager manager = context.getBean(javax.cache.CacheManager.class);
              assertThat(manager.getCacheNames()).contains("books", "authors", "quiet");

              CompleteConfiguration<?, ?> books = configuration(manager.getCache("books"));
              assertThat(books.getExpiryPolicyFactory().create().getExpiryForCreation())
                  .isEqualTo(new Duration(TimeUnit.MILLISECONDS, 600_000));
              assertThat(books.isStatisticsEnabled())
                  .as("the file says nothing: pgjcache.statistics")
                  .isTrue();
              assertThat(configuration(manager.getCache("authors")).isStatisticsEnabled()).isTrue();
              assertThat(configuration(manager.getCache("quiet")).isStatisticsEnabled())
                  .as("the file turns them off")
                  .isFalse();
              assertThat(context.getBean(JCacheCacheManager.class).getCacheNames())
                  .contains("books", "authors");
            });
    assertThat(output)
        .contains(
            "cache 'books' is declared in file:",
            "declared/pgjcache.yaml and"
                + " listed in spring.cache.cache-names: using the declared cache with the file's settings");
  }

  @Test
  void statisticsCanBeTurnedOff() {
    onTheDatabase()
        .withPropertyValues("spring.cache.cache-names=plain", "pgjcache.statistics=false")
        .run(
            context -> {
              javax.cache.CacheManager manager = context.getBean(javax.cache.CacheManager.class);
              assertThat(configuration(manager.getCache("plain")).isStatisticsEnabled()).isFalse();
            });
  }

  @Test
  void theApplicationsConfigurationBeanAndCustomizersAreApplied() {
    onTheDatabase()
        .withPropertyValues("spring.cache.cache-names=typed")
        .withUserConfiguration(Customized.class)
        .run(
            context -> {
              javax.cache.CacheManager manager = context.getBean(javax.cache.CacheManager.class);
              CompleteConfiguration<?, ?> typed =
                  configuration(manager.getCache("typed", String.class, Integer.class));
              assertThat(typed.isStatisticsEnabled()).isTrue();
              assertThat(manager.getCache("from-customizer")).isNotNull();
            });
  }

  @Test
  void aJdbcUrlGivenToPgjcacheItselfWinsOverTheApplicationsDatabase() {
    onTheDatabase()
        .withPropertyValues("spring.cache.jcache.config=classpath:explicit/pgjcache.properties")
        .run(
            context -> {
              // nothing listens on the file's database: failing to open proves pgjcache went there
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure()).hasStackTraceContaining("127.0.0.1:1");
            });
  }

  @Test
  void anotherCacheTypeOrProviderTurnsTheStarterOff() {
    onTheDatabase()
        .withPropertyValues("spring.cache.type=simple")
        .run(
            context -> {
              assertThat(context).hasNotFailed().doesNotHaveBean(javax.cache.CacheManager.class);
              assertThat(context.getBean(org.springframework.cache.CacheManager.class))
                  .isInstanceOf(ConcurrentMapCacheManager.class);
            });
    onTheDatabase()
        .withPropertyValues("spring.cache.jcache.provider=com.example.OtherProvider")
        .run(
            context -> {
              // Boot's own JCache configuration took over, and fails to load the provider it was
              // told
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .hasStackTraceContaining("com.example.OtherProvider");
            });
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(PgjcacheAutoConfiguration.class, CacheAutoConfiguration.class))
        .run(
            context ->
                assertThat(context)
                    .as("without @EnableCaching")
                    .hasNotFailed()
                    .doesNotHaveBean(javax.cache.CacheManager.class));
  }

  @Test
  void theManagerIsPgjcachesOnTheApplicationsDatabase() {
    onTheDatabase()
        .run(
            context -> {
              PgCacheManagerImpl manager =
                  context.getBean(javax.cache.CacheManager.class).unwrap(PgCacheManagerImpl.class);
              assertThat(manager.settings().jdbcUrl()).isEqualTo(jdbcUrl);
              assertThat(manager.settings().dataSource())
                  .containsSame(context.getBean(javax.sql.DataSource.class));
              String dataSourceBean = context.getBeanNamesForType(javax.sql.DataSource.class)[0];
              assertThat(context.getBeanFactory().getDependentBeans(dataSourceBean))
                  .as("beans Spring closes before the DataSource")
                  .contains("jCacheCacheManager");
            });
  }

  @SuppressWarnings("unchecked")
  private static CompleteConfiguration<?, ?> configuration(Cache<?, ?> cache) {
    assertThat(cache).isNotNull();
    return cache.getConfiguration(CompleteConfiguration.class);
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CachingOn {}

  @Configuration(proxyBeanMethods = false)
  static class Customized {

    @Bean
    javax.cache.configuration.Configuration<String, Integer> cacheConfiguration() {
      return new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
    }

    @Bean
    JCacheManagerCustomizer extraCache() {
      return manager -> manager.createCache("from-customizer", new MutableConfiguration<>());
    }
  }
}
