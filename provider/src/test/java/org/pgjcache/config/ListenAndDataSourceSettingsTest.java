package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgjcache.config.Fixtures.IDENTITY;
import static org.pgjcache.config.Fixtures.OS_USER;
import static org.pgjcache.config.Fixtures.props;
import static org.pgjcache.config.Fixtures.resolve;
import static org.pgjcache.config.Fixtures.system;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import java.util.Properties;
import javax.cache.CacheException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.pgjcache.testkit.UnconnectedDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code listen-jdbc-url} (where the LISTEN connection goes when the pool goes through PgBouncer)
 * and {@code data-source} (the application's pool, given as an object): how each resolves, what the
 * LISTEN connection logs in as, and the errors for values that cannot work.
 */
class ListenAndDataSourceSettingsTest {

  @Nested
  class ListenJdbcUrl {

    @Test
    void defaultsToTheJdbcUrlAndItsCredentials() {
      Settings s =
          resolve(
              props(
                  "pgjcache.jdbc-url",
                  "jdbc:postgresql://bouncer:6432/app",
                  "pgjcache.user",
                  "app",
                  "pgjcache.password",
                  "secret"));
      assertThat(s.listenJdbcUrl()).isEqualTo("jdbc:postgresql://bouncer:6432/app");
      assertThat(s.listenUser()).isEqualTo("app");
      assertThat(s.listenPassword()).contains("secret");
      assertThat(s.sourceOf("listen-jdbc-url")).isEqualTo("default");
      assertThat(s.toProperties()).doesNotContainKey("pgjcache.listen-jdbc-url");
    }

    @Test
    void takesThePoolsCredentialsUnlessItsUrlNamesItsOwn() {
      Settings same =
          resolve(
              props(
                  "pgjcache.jdbc-url",
                  "jdbc:postgresql://bouncer:6432/app",
                  "pgjcache.listen-jdbc-url",
                  "jdbc:postgresql://primary:5432/app",
                  "pgjcache.user",
                  "app",
                  "pgjcache.password",
                  "secret"));
      assertThat(same.listenJdbcUrl()).isEqualTo("jdbc:postgresql://primary:5432/app");
      assertThat(same.jdbcUrl()).isEqualTo("jdbc:postgresql://bouncer:6432/app");
      assertThat(same.listenUser()).isEqualTo("app");
      assertThat(same.listenPassword()).contains("secret");
      assertThat(same.describeListenTarget()).isEqualTo("primary:5432/app");
      assertThat(same.sourceOf("listen-jdbc-url")).isEqualTo("properties");

      Settings own =
          resolve(
              props(
                  "pgjcache.jdbc-url",
                  "jdbc:postgresql://bouncer:6432/app",
                  "pgjcache.listen-jdbc-url",
                  "jdbc:postgresql://primary/app?user=listener&password=hush",
                  "pgjcache.user",
                  "app",
                  "pgjcache.password",
                  "secret"));
      assertThat(own.listenUser()).isEqualTo("listener");
      assertThat(own.listenPassword()).contains("hush");
      assertThat(own.listenJdbcUrlWithoutCredentials()).isEqualTo("jdbc:postgresql://primary/app");
      assertThat(own.user()).isEqualTo("app");
      assertThat(own.toString()).doesNotContain("hush").contains("listen-jdbc-url=");
      assertThat(own.toProperties().getProperty("pgjcache.listen-jdbc-url")).contains("hush");
    }

    @Test
    void mustBeAPostgresqlUrl() {
      assertThatThrownBy(
              () -> resolve(props("pgjcache.listen-jdbc-url", "jdbc:mysql://db/app?password=x")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.listen-jdbc-url")
          .hasMessageContaining("jdbc:postgresql:")
          .hasMessageNotContaining("password=x");
    }
  }

  @Nested
  class DataSourceObject {

    @Test
    void theDataSourcesUrlAndCredentialsAreUsedForWhatIsNotSet() {
      Properties p = new Properties();
      p.put(
          "pgjcache.data-source",
          new UrlDataSource("jdbc:postgresql://db:5433/shop", "shopper", "pw"));
      Settings s = resolve(p);
      assertThat(s.dataSource().orElseThrow()).isSameAs(p.get("pgjcache.data-source"));
      assertThat(s.sourceOf("data-source")).isEqualTo("properties");
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/shop");
      assertThat(s.sourceOf("jdbc-url")).isEqualTo("data-source");
      assertThat(s.listenJdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/shop");
      assertThat(s.user()).isEqualTo("shopper");
      assertThat(s.sourceOf("user")).isEqualTo("data-source");
      assertThat(s.password()).contains("pw");
      assertThat(s.toString())
          .contains("data-source=" + UrlDataSource.class.getName())
          .doesNotContain("pw,");
      assertThat(s.toProperties().get("pgjcache.data-source"))
          .isSameAs(p.get("pgjcache.data-source"));

      p.setProperty("pgjcache.user", "someone");
      p.setProperty("pgjcache.listen-jdbc-url", "jdbc:postgresql://primary:5432/shop");
      Settings explicit = resolve(p);
      assertThat(explicit.user()).isEqualTo("someone");
      assertThat(explicit.listenJdbcUrl()).isEqualTo("jdbc:postgresql://primary:5432/shop");
      assertThat(explicit.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/shop");
    }

    @Test
    void readsPgjdbcsOwnDataSourceAndAHikariPoolAroundIt() {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      pg.setServerNames(new String[] {"pg1"});
      pg.setPortNumbers(new int[] {5434});
      pg.setDatabaseName("inventory");
      pg.setUser("stock");
      Properties p = new Properties();
      p.put("pgjcache.data-source", pg);
      Settings direct = resolve(p);
      assertThat(direct.describeListenTarget()).isEqualTo("pg1:5434/inventory");
      assertThat(direct.listenUser()).isEqualTo("stock");

      try (HikariDataSource hikari = new HikariDataSource()) {
        hikari.setDataSource(pg);
        p.put("pgjcache.data-source", hikari);
        Settings wrapped = resolve(p);
        assertThat(wrapped.describeListenTarget()).isEqualTo("pg1:5434/inventory");
        assertThat(wrapped.listenUser()).isEqualTo("stock");
      }
    }

    @Test
    void aDataSourceWithoutAReadableUrlNeedsTheListenUrl() {
      Properties p = new Properties();
      p.put("pgjcache.data-source", new OpaqueDataSource());
      assertThatThrownBy(() -> resolve(p))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining(OpaqueDataSource.class.getName())
          .hasMessageContaining("pgjcache.listen-jdbc-url");

      p.setProperty("pgjcache.listen-jdbc-url", "jdbc:postgresql://primary:5432/app");
      Settings s = resolve(p);
      assertThat(s.listenJdbcUrl()).isEqualTo("jdbc:postgresql://primary:5432/app");
      assertThat(s.describeTarget()).isEqualTo("primary:5432/app");
      assertThat(s.user()).isEqualTo(OS_USER);
    }

    @Test
    void aValueThatIsNotADataSourceIsRefusedSayingWhatItIs() {
      Properties text = new Properties();
      text.setProperty("pgjcache.data-source", "jdbc:postgresql://db/app");
      assertThatThrownBy(() -> resolve(text))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.data-source")
          .hasMessageContaining("javax.sql.DataSource")
          .hasMessageContaining("pgjcache.jdbc-url");
      Properties number = new Properties();
      number.put("pgjcache.data-source", 42);
      assertThatThrownBy(() -> resolve(number))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("not a java.lang.Integer");
    }

    @Test
    void noFileSystemPropertyOrVariableCanCarryIt() {
      assertThatThrownBy(
              () ->
                  SettingsResolver.resolve(
                      IDENTITY,
                      Fixtures.loader(),
                      new Properties(),
                      Map.of(),
                      system("pgjcache.data-source", "mine")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("system property")
          .hasMessageContaining("only the Properties given to getCacheManager");
    }
  }

  /** A pool whose getters tell its URL and credentials, as HikariDataSource's do. */
  public static final class UrlDataSource extends OpaqueDataSource {
    private final String url;
    private final String user;
    private final String password;

    UrlDataSource(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    public String getJdbcUrl() {
      return url;
    }

    public String getUsername() {
      return user;
    }

    public String getPassword() {
      return password;
    }
  }

  /** A DataSource that tells nothing about where it connects. */
  public static class OpaqueDataSource extends UnconnectedDataSource {}
}
