package org.pgjcache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.util.Optional;
import java.util.Properties;
import javax.cache.CacheException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.pgjcache.config.Settings;
import org.pgjcache.config.SettingsResolver;
import org.pgjcache.testkit.UnconnectedDataSource;

/**
 * How the application's database reaches pgjcache: the DataSource object (its LISTEN connection on
 * the URL the pool tells, else on {@code spring.datasource.url}), {@code spring.datasource.*}
 * copied when there is no DataSource bean, nothing when pgjcache was given a database of its own.
 */
class DataSourceHandoffTest {

  private static final URI NO_FILE = URI.create("pgjcache:handoff-test");
  private static final ClassLoader LOADER = DataSourceHandoffTest.class.getClassLoader();
  private static final ApplicationDatabase APP =
      new ApplicationDatabase("jdbc:postgresql://app-db:5432/app", "app", "secret");
  private static final DataSource DATA_SOURCE = new NoDataSource();

  @Test
  void theDataSourceObjectIsHandedOverAndItsUrlIsWhereLISTENGoes() {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl("jdbc:postgresql://pool-db:5433/shop");
    pool.setUsername("shop");
    DataSourceHandoff.Decision decision =
        new DataSourceHandoff().decide(NO_FILE, LOADER, true, pool, Optional.of(APP));

    assertThat(decision.choice()).isEqualTo(DataSourceHandoff.Choice.DATA_SOURCE);
    assertThat(decision.properties()).containsOnlyKeys(DataSourceHandoff.DATA_SOURCE);
    assertThat(decision.properties().get(DataSourceHandoff.DATA_SOURCE)).isSameAs(pool);
    Settings settings = SettingsResolver.resolve(NO_FILE, LOADER, decision.properties());
    assertThat(settings.dataSource().orElseThrow()).isSameAs(pool);
    assertThat(settings.describeListenTarget()).isEqualTo("pool-db:5433/shop");
    assertThat(settings.listenUser()).isEqualTo("shop");
  }

  @Test
  void aDataSourceThatDoesNotTellItsUrlListensOnSpringDatasourceUrl() {
    DataSourceHandoff.Decision decision =
        new DataSourceHandoff().decide(NO_FILE, LOADER, true, DATA_SOURCE, Optional.of(APP));

    assertThat(decision.choice()).isEqualTo(DataSourceHandoff.Choice.DATA_SOURCE);
    Properties props = decision.properties();
    assertThat(props.get(DataSourceHandoff.DATA_SOURCE)).isSameAs(DATA_SOURCE);
    assertThat(props.getProperty("pgjcache.listen-jdbc-url")).isEqualTo(APP.url());
    Settings settings = SettingsResolver.resolve(NO_FILE, LOADER, props);
    assertThat(settings.listenJdbcUrl()).isEqualTo(APP.url());
    assertThat(settings.listenUser()).isEqualTo("app");
    assertThat(settings.listenPassword()).contains("secret");
  }

  @Test
  void aDataSourceThatTellsNothingWithNothingElseToGoOnFailsSayingWhatToSet() {
    assertThatThrownBy(
            () ->
                new DataSourceHandoff()
                    .decide(NO_FILE, LOADER, true, DATA_SOURCE, Optional.empty()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("pgjcache.listen-jdbc-url");
  }

  @Test
  void withoutADataSourceBeanTheUrlUserAndPasswordAreCopied() {
    DataSourceHandoff.Decision decision =
        new DataSourceHandoff().decide(NO_FILE, LOADER, true, null, Optional.of(APP));

    assertThat(decision.choice()).isEqualTo(DataSourceHandoff.Choice.DATASOURCE_PROPERTIES);
    Properties props = decision.properties();
    assertThat(props).doesNotContainKey(DataSourceHandoff.DATA_SOURCE);
    assertThat(props.getProperty("pgjcache.jdbc-url")).isEqualTo(APP.url());
    assertThat(props.getProperty("pgjcache.user")).isEqualTo("app");
    assertThat(props.getProperty("pgjcache.password")).isEqualTo("secret");
    assertThat(SettingsResolver.resolve(NO_FILE, LOADER, props).jdbcUrl()).isEqualTo(APP.url());
  }

  @Test
  void otherRefusalsOfTheDataSourceAreNotHidden() {
    DataSourceHandoff.Resolver picky =
        (uri, loader, props) -> {
          if (props.containsKey(DataSourceHandoff.DATA_SOURCE)) {
            throw new CacheException("pgjcache.data-source must be a PostgreSQL DataSource");
          }
          return SettingsResolver.resolve(uri, loader, props);
        };
    assertThatThrownBy(
            () ->
                new DataSourceHandoff(picky)
                    .decide(NO_FILE, LOADER, true, DATA_SOURCE, Optional.of(APP)))
        .hasMessageContaining("must be a PostgreSQL DataSource");
  }

  @Test
  void pgjcachesOwnJdbcUrlWins() {
    DataSourceHandoff.Decision decision =
        new DataSourceHandoff()
            .decide(
                URI.create("classpath:explicit/pgjcache.properties"),
                LOADER,
                true,
                DATA_SOURCE,
                Optional.of(APP));

    assertThat(decision.choice()).isEqualTo(DataSourceHandoff.Choice.OWN_SETTINGS);
    assertThat(decision.properties()).isEmpty();
  }

  @Test
  void notPostgresOrTurnedOffMeansOwnSettings() {
    ApplicationDatabase h2 = new ApplicationDatabase("jdbc:h2:mem:app", "sa", null);
    assertThat(
            new DataSourceHandoff()
                .decide(NO_FILE, LOADER, true, DATA_SOURCE, Optional.of(h2))
                .choice())
        .isEqualTo(DataSourceHandoff.Choice.OWN_SETTINGS);
    assertThat(
            new DataSourceHandoff()
                .decide(NO_FILE, LOADER, false, DATA_SOURCE, Optional.of(APP))
                .choice())
        .isEqualTo(DataSourceHandoff.Choice.OWN_SETTINGS);
  }

  @Test
  void sourcesThatCountAsExplicit() {
    assertThat(DataSourceHandoff.isExplicit("default")).isFalse();
    assertThat(DataSourceHandoff.isExplicit("env PGHOST, PGPORT")).isFalse();
    assertThat(DataSourceHandoff.isExplicit("env PGJCACHE_JDBC_URL")).isTrue();
    assertThat(DataSourceHandoff.isExplicit("system property")).isTrue();
    assertThat(DataSourceHandoff.isExplicit("classpath:pgjcache.yaml")).isTrue();
  }

  @Test
  void logLinesNeverShowUrlCredentials() {
    assertThat(
            new ApplicationDatabase("jdbc:postgresql://db/app?user=a&password=p", null, null)
                .shownUrl())
        .isEqualTo("jdbc:postgresql://db/app?...");
  }

  /** A DataSource that is never asked for a connection. */
  private static final class NoDataSource extends UnconnectedDataSource {}
}
