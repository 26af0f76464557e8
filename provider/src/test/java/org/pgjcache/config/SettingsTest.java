package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgjcache.config.Fixtures.IDENTITY;
import static org.pgjcache.config.Fixtures.OS_USER;
import static org.pgjcache.config.Fixtures.props;
import static org.pgjcache.config.Fixtures.resolve;
import static org.pgjcache.config.Fixtures.resolveEnv;
import static org.pgjcache.config.Fixtures.resolveFile;
import static org.pgjcache.config.Fixtures.system;

import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

  private static final String SECRET = "s3cret-Pw";
  private static final String URL_SECRET = "url-Secret";

  @Nested
  class DescribeTarget {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
                jdbc:postgresql://db1:6543/app                               | db1:6543/app
                jdbc:postgresql://db1/app                                    | db1:5432/app
                jdbc:postgresql://db1:6543/app?password=url-Secret&ssl=true  | db1:6543/app
                jdbc:postgresql://db1:5432,db2:5433/app?targetServerType=any | db1:5432,db2:5433/app
                jdbc:postgresql://[::1]:6000/app                             | [::1]:6000/app
                jdbc:postgresql://[::1]/app                                  | [::1]:5432/app
                jdbc:postgresql://db1:5432/                                  | db1:5432/alice
                jdbc:postgresql://db1:5432                                   | db1:5432/alice
                jdbc:postgresql:app                                          | localhost:5432/app
                jdbc:postgresql:/app                                         | localhost:5432/app
                jdbc:postgresql:///app                                       | localhost:5432/app
                jdbc:postgresql://me:url-Secret@db1:5432/app                 | db1:5432/app
                jdbc:postgresql://db1/my%20db                                | db1:5432/my db
                jdbc:tc:postgresql:16:///app?password=url-Secret             | jdbc:tc:postgresql:16:///app
                """)
    void isHostPortAndDatabaseWithoutCredentials(String url, String expected) {
      Settings s = resolve(props("pgjcache.jdbc-url", url));
      assertThat(s.describeTarget()).isEqualTo(expected).doesNotContain(URL_SECRET);
    }

    @Test
    void defaultsToTheOsUsersDatabaseOnLocalhost() {
      assertThat(resolve(new Properties()).describeTarget()).isEqualTo("localhost:5432/" + OS_USER);
    }

    @Test
    void isMemoryForTheMemoryBackend() {
      assertThat(resolve(props("pgjcache.backend", "memory")).describeTarget()).isEqualTo("memory");
    }
  }

  @Nested
  class PasswordNeverLeaks {

    @Test
    void notInToString() {
      Settings s =
          resolve(
              props(
                  "pgjcache.password",
                  SECRET,
                  "pgjcache.jdbc-url",
                  "jdbc:postgresql://db1/app?user=me&password=" + URL_SECRET + "&ssl=true"));
      assertThat(s.toString())
          .doesNotContain(SECRET)
          .doesNotContain(URL_SECRET)
          .contains("password=****")
          .contains("password=****&")
          .contains("target=db1:5432/app")
          .contains("pool-size=8");
      assertThat(s.describeTarget()).doesNotContain(SECRET).doesNotContain(URL_SECRET);
    }

    @Test
    void norTheSslKeyPasswordOrCredentialsWrittenIntoTheUrlAuthority() {
      Settings s =
          resolve(
              props(
                  "pgjcache.jdbc-url",
                  "jdbc:postgresql://me:"
                      + URL_SECRET
                      + "@db1/app?sslpassword="
                      + SECRET
                      + "&PASSWORD="
                      + SECRET));
      assertThat(s.toString())
          .doesNotContain(SECRET)
          .doesNotContain(URL_SECRET)
          .contains("jdbc-url=jdbc:postgresql://****@db1/app?sslpassword=****&PASSWORD=****");
    }

    @Test
    void notInToStringWhenItComesFromPgPassword() {
      Settings s = resolveEnv(Map.of("PGPASSWORD", SECRET));
      assertThat(s.toString()).doesNotContain(SECRET).contains("password=****");
    }

    @Test
    void toStringSaysNothingAboutAnAbsentPassword() {
      assertThat(resolve(new Properties()).toString()).doesNotContain("password");
    }

    @Test
    void notInErrorMessages() {
      Map<String, Supplier<Settings>> failures =
          Map.of(
              "invalid jdbc-url carrying a password",
                  () ->
                      resolve(
                          props(
                              "pgjcache.password",
                              SECRET,
                              "pgjcache.jdbc-url",
                              "postgres://me:" + URL_SECRET + "@h/db?password=" + URL_SECRET)),
              "another invalid value",
                  () -> resolve(props("pgjcache.password", SECRET, "pgjcache.pool-size", "x")),
              "misspelt password key", () -> resolve(props("pgjcache.passwrod", SECRET)),
              "libpq failure", () -> resolveEnv(Map.of("PGPASSWORD", SECRET, "PGPORT", "x")),
              "malformed yaml", () -> resolveFile("classpath:config/malformed.yaml"));
      failures.forEach(
          (what, attempt) ->
              assertThatThrownBy(attempt::get)
                  .as(what)
                  .isInstanceOf(CacheException.class)
                  .satisfies(
                      e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                          assertThat(String.valueOf(t.getMessage()))
                              .as(what)
                              .doesNotContain(SECRET)
                              .doesNotContain(URL_SECRET)
                              .doesNotContain("leaky-secret");
                        }
                      }));
    }

    @Test
    void theMisspeltPasswordKeyIsStillReported() {
      assertThatThrownBy(() -> resolve(props("pgjcache.passwrod", SECRET)))
          .hasMessageContaining("did you mean pgjcache.password");
    }
  }

  @Nested
  class SourceOf {

    @Test
    void acceptsKeysWithAndWithoutThePrefix() {
      Settings s = resolve(props("pgjcache.pool-size", "3"));
      assertThat(s.sourceOf("pool-size")).isEqualTo("properties");
      assertThat(s.sourceOf("pgjcache.pool-size")).isEqualTo("properties");
    }

    @Test
    void reportsUnsetPerCacheKeysAndThePassword() {
      Settings s = resolve(props("pgjcache.caches.orders.statistics", "true"));
      assertThat(s.sourceOf("caches.orders.statistics")).isEqualTo("properties");
      assertThat(s.sourceOf("caches.orders.max-entries")).isEqualTo("not set");
      assertThat(s.sourceOf("caches.other.max-entries")).isEqualTo("not set");
      assertThat(s.sourceOf("password")).isEqualTo("not set");
    }

    @Test
    void rejectsUnknownKeys() {
      Settings s = resolve(new Properties());
      assertThatThrownBy(() -> s.sourceOf("pool-sise"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pool-sise")
          .hasMessageContaining("pool-size");
    }
  }

  @Nested
  class ToProperties {

    @Test
    void roundTripsEverythingIncludingThePassword() {
      Settings original = resolveFile("classpath:config/full.yaml");
      Properties p = original.toProperties();
      assertThat(p.getProperty("pgjcache.password")).isEqualTo("yaml-secret");
      assertThat(p.getProperty("pgjcache.pool-size")).isEqualTo("4");
      assertThat(p.getProperty("pgjcache.statement-timeout")).isEqualTo("3s");
      assertThat(p.getProperty("pgjcache.serialization.allow"))
          .isEqualTo("com.acme.**,com.acme.model.Order");
      assertThat(p.getProperty("pgjcache.caches.orders.expiry.accessed")).isEqualTo("eternal");
      assertThat(p.getProperty("pgjcache.caches.orders.expiry.created")).isEqualTo("5m");
      assertThat(p.getProperty("pgjcache.caches.com.acme.Customers.key-type"))
          .isEqualTo("java.lang.Long");
      assertThat(p.stringPropertyNames()).allMatch(k -> k.startsWith("pgjcache."));

      Settings again =
          SettingsResolver.resolve(
              IDENTITY,
              Fixtures.loader(),
              p,
              Map.of("PGJCACHE_POOL_SIZE", "99", "PGPASSWORD", "other"),
              system());
      assertThat(again.toProperties()).isEqualTo(p);
      assertThat(again.toString())
          .isEqualTo(
              original
                  .toString()
                  .replace(
                      "uri=" + original.uri() + ", file=classpath:config/full.yaml",
                      "uri=" + IDENTITY));
      assertThat(again.caches()).isEqualTo(original.caches());
    }

    @Test
    void omitsAnAbsentPassword() {
      assertThat(resolve(new Properties()).toProperties()).doesNotContainKey("pgjcache.password");
    }
  }

  @Test
  void quotesTheQualifiedTableForSql() {
    Settings s = resolve(props("pgjcache.schema", "Cache", "pgjcache.table", "entries"));
    assertThat(s.qualifiedTable()).isEqualTo("\"Cache\".\"entries\"");
  }

  @Test
  void exposesImmutableCollections() {
    Settings s =
        resolve(
            props(
                "pgjcache.serialization.allow", "com.a.*", "pgjcache.caches.c.statistics", "true"));
    assertThatThrownBy(() -> s.serializationAllow().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.caches().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void cacheSettingsPrintWhatWasSet() {
    Settings s = resolveFile("classpath:config/full.yaml");
    assertThat(s.cache("orders").toString())
        .isEqualTo(
            "CacheSettings{name=orders, expiry.created=5m, expiry.accessed=eternal, "
                + "max-entries=10000, statistics=true}");
  }
}
