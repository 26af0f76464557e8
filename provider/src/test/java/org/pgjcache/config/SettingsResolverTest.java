package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgjcache.config.Fixtures.IDENTITY;
import static org.pgjcache.config.Fixtures.OS_USER;
import static org.pgjcache.config.Fixtures.props;
import static org.pgjcache.config.Fixtures.resolve;
import static org.pgjcache.config.Fixtures.resolveEnv;
import static org.pgjcache.config.Fixtures.system;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsResolverTest {

  @Nested
  class Defaults {

    @Test
    void everySettingHasItsDocumentedDefault() {
      Settings s = resolve(new Properties());
      assertThat(s.uri()).isEqualTo(IDENTITY);
      assertThat(s.file()).isEmpty();
      assertThat(s.backend()).isEqualTo(BackendKind.POSTGRES);
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/" + OS_USER);
      assertThat(s.user()).isEqualTo(OS_USER);
      assertThat(s.password()).isEmpty();
      assertThat(s.schema()).isEqualTo("public");
      assertThat(s.table()).isEqualTo("pgjcache_entries");
      assertThat(s.channel()).isEqualTo("pgjcache_changes");
      assertThat(s.ddl()).isTrue();
      assertThat(s.poolSize()).isEqualTo(8);
      assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(s.statementTimeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
      assertThat(s.reconnectInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(s.expiryInterval()).isEqualTo(Duration.ofMillis(500));
      assertThat(s.syncOnMismatch()).isTrue();
      assertThat(s.notifications()).isTrue();
      assertThat(s.sharedBackend()).isTrue();
      assertThat(s.durability()).isEqualTo(Durability.FULL);
      assertThat(s.serializationAllow()).isEmpty();
      assertThat(s.nodeName()).endsWith("-" + ProcessHandle.current().pid()).hasSizeGreaterThan(2);
      assertThat(s.caches()).isEmpty();
    }

    @Test
    void everyDefaultReportsDefaultAsItsSourceAndThePasswordIsNotSet() {
      Settings s = resolve(new Properties());
      for (String key : Keys.GLOBAL) {
        if (key.equals(Key.PASSWORD.text()) || key.equals(Key.MAX_ENTRIES_DEFAULT.text())) {
          assertThat(s.sourceOf(key)).isEqualTo("not set");
        } else {
          assertThat(s.sourceOf(key)).as(key).isEqualTo("default");
        }
      }
    }

    @Test
    void nullArgumentsMeanDefaultUriNoPropertiesAndTheContextClassLoader() {
      Settings s = SettingsResolver.resolve(null, null, null, Map.of(), system());
      assertThat(s.uri()).isEqualTo(Settings.DEFAULT_URI);
      assertThat(Settings.DEFAULT_URI).isEqualTo(URI.create("pgjcache:default"));
      assertThat(s.poolSize()).isEqualTo(8);
    }

    @Test
    void theThreeArgumentOverloadReadsTheRealJvm() {
      String key = "pgjcache.pool-size";
      String before = System.getProperty(key);
      System.setProperty(key, "17");
      try {
        Settings s = SettingsResolver.resolve(IDENTITY, null, null);
        assertThat(s.poolSize()).isEqualTo(17);
        assertThat(s.sourceOf(key)).isEqualTo("system property");
      } finally {
        if (before == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, before);
        }
      }
    }
  }

  @Nested
  class Precedence {

    private static final URI FILE = URI.create("classpath:config/partial.yml"); // pool-size: 3

    private Settings resolveWith(boolean props, boolean system, boolean file, boolean env) {
      Properties p = props ? props("pgjcache.pool-size", "1") : new Properties();
      Properties sys = system ? system("pgjcache.pool-size", "2") : system();
      Map<String, String> e = env ? Map.of("PGJCACHE_POOL_SIZE", "4") : Map.of();
      return resolve(file ? FILE : IDENTITY, p, e, sys);
    }

    @Test
    void propertiesBeatSystemPropertiesBeatTheFileBeatEnvBeatDefaults() {
      Settings all = resolveWith(true, true, true, true);
      assertThat(all.poolSize()).isEqualTo(1);
      assertThat(all.sourceOf("pool-size")).isEqualTo("properties");

      Settings noProps = resolveWith(false, true, true, true);
      assertThat(noProps.poolSize()).isEqualTo(2);
      assertThat(noProps.sourceOf("pool-size")).isEqualTo("system property");

      Settings fileAndEnv = resolveWith(false, false, true, true);
      assertThat(fileAndEnv.poolSize()).isEqualTo(3);
      assertThat(fileAndEnv.sourceOf("pool-size")).isEqualTo("classpath:config/partial.yml");

      Settings envOnly = resolveWith(false, false, false, true);
      assertThat(envOnly.poolSize()).isEqualTo(4);
      assertThat(envOnly.sourceOf("pool-size")).isEqualTo("env PGJCACHE_POOL_SIZE");

      Settings none = resolveWith(false, false, false, false);
      assertThat(none.poolSize()).isEqualTo(8);
      assertThat(none.sourceOf("pool-size")).isEqualTo("default");
    }

    @Test
    void precedenceIsDecidedPerKeySoLayersCombine() {
      Settings s =
          resolve(
              FILE,
              props("pgjcache.table", "from_props"),
              Map.of("PGJCACHE_SCHEMA", "from_env", "PGJCACHE_CHANNEL", "env_channel"),
              system("pgjcache.durability", "relaxed"));
      assertThat(s.table()).isEqualTo("from_props");
      assertThat(s.durability()).isEqualTo(Durability.RELAXED);
      assertThat(s.schema()).isEqualTo("from_file"); // file beats env
      assertThat(s.channel()).isEqualTo("env_channel");
      assertThat(s.sourceOf("schema")).isEqualTo("classpath:config/partial.yml");
      assertThat(s.sourceOf("channel")).isEqualTo("env PGJCACHE_CHANNEL");
      assertThat(s.sourceOf("durability")).isEqualTo("system property");
    }

    @Test
    void perCacheSettingsCombineAcrossLayersKeyByKey() {
      Settings s =
          resolve(
              FILE, // caches.orders.max-entries: 50
              props("pgjcache.caches.orders.statistics", "true"),
              Map.of(),
              system("pgjcache.caches.orders.max-entries", "99"));
      CacheSettings orders = s.cache("orders");
      assertThat(orders.maxEntries()).hasValue(99);
      assertThat(orders.statistics()).contains(true);
      assertThat(s.sourceOf("caches.orders.max-entries")).isEqualTo("system property");
      assertThat(s.sourceOf("pgjcache.caches.orders.statistics")).isEqualTo("properties");
    }
  }

  @Nested
  class Libpq {

    @Test
    void buildsTheJdbcUrlFromPgHostPgPortAndPgDatabase() {
      Settings s =
          resolveEnv(Map.of("PGHOST", "db.internal", "PGPORT", "6432", "PGDATABASE", "shop"));
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/shop");
      assertThat(s.sourceOf("jdbc-url")).isEqualTo("env PGHOST, PGPORT, PGDATABASE");
      assertThat(s.describeTarget()).isEqualTo("db.internal:6432/shop");
    }

    @Test
    void missingPartsFallBackToLibpqDefaultsAndTheDatabaseIsTheUser() {
      Settings hostOnly = resolveEnv(Map.of("PGHOST", "db.internal"));
      assertThat(hostOnly.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/" + OS_USER);
      assertThat(hostOnly.sourceOf("jdbc-url")).isEqualTo("env PGHOST");

      Settings userOnly = resolveEnv(Map.of("PGUSER", "bob"));
      assertThat(userOnly.user()).isEqualTo("bob");
      assertThat(userOnly.sourceOf("user")).isEqualTo("env PGUSER");
      assertThat(userOnly.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/bob");
      assertThat(userOnly.sourceOf("jdbc-url")).isEqualTo("default");

      Settings explicitUser =
          resolve(IDENTITY, props("pgjcache.user", "carol"), Map.of("PGUSER", "bob"), system());
      assertThat(explicitUser.user()).isEqualTo("carol");
      assertThat(explicitUser.jdbcUrl()).endsWith("/carol");
    }

    @Test
    void aJdbcUrlFromAnyHigherLayerSuppressesPgHostEntirely() {
      Map<String, String> env =
          Map.of(
              "PGJCACHE_JDBC_URL",
              "jdbc:postgresql://explicit:5432/x",
              "PGHOST",
              "ignored",
              "PGPORT",
              "1",
              "PGDATABASE",
              "ignored");
      Settings s = resolveEnv(env);
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://explicit:5432/x");
      assertThat(s.sourceOf("jdbc-url")).isEqualTo("env PGJCACHE_JDBC_URL");
    }

    @Test
    void pgUserAndPgPasswordFillOnlyWhatWasNotGiven() {
      Map<String, String> env = Map.of("PGUSER", "bob", "PGPASSWORD", "pg-secret");
      Settings fromEnv = resolveEnv(env);
      assertThat(fromEnv.user()).isEqualTo("bob");
      assertThat(fromEnv.password()).contains("pg-secret");
      assertThat(fromEnv.sourceOf("password")).isEqualTo("env PGPASSWORD");

      Settings given =
          resolve(IDENTITY, props("pgjcache.user", "u", "pgjcache.password", "p"), env, system());
      assertThat(given.user()).isEqualTo("u");
      assertThat(given.password()).contains("p");
      assertThat(given.sourceOf("password")).isEqualTo("properties");
    }

    @Test
    void theUrlsUserAndPasswordComeAfterTheSettingsAndBeforeLibpqAndTheOsUser() {
      String url =
          "jdbc:postgresql://db1/app?ssl=true&user=url%20user&password=url-pw&ApplicationName=shop";
      Map<String, String> env = Map.of("PGUSER", "bob", "PGPASSWORD", "pg-secret");

      Settings fromUrl = resolve(IDENTITY, props("pgjcache.jdbc-url", url), env, system());
      assertThat(fromUrl.user()).isEqualTo("url user");
      assertThat(fromUrl.sourceOf("user")).isEqualTo("user= of jdbc-url");
      assertThat(fromUrl.password()).contains("url-pw");
      assertThat(fromUrl.sourceOf("password")).isEqualTo("password= of jdbc-url");
      assertThat(fromUrl.jdbcUrl()).isEqualTo(url);
      assertThat(fromUrl.jdbcUrlWithoutCredentials())
          .isEqualTo("jdbc:postgresql://db1/app?ssl=true&ApplicationName=shop");

      Settings given =
          resolve(
              IDENTITY,
              props(
                  "pgjcache.jdbc-url",
                  url,
                  "pgjcache.user",
                  "carol",
                  "pgjcache.password",
                  "carol-pw"),
              env,
              system());
      assertThat(given.user()).isEqualTo("carol");
      assertThat(given.password()).contains("carol-pw");

      Settings osUser = resolve(IDENTITY, props("pgjcache.jdbc-url", url), Map.of(), system());
      assertThat(osUser.user()).isEqualTo("url user");

      Settings noUserInUrl =
          resolve(
              IDENTITY,
              props("pgjcache.jdbc-url", "jdbc:postgresql://db1/app?password="),
              env,
              system());
      assertThat(noUserInUrl.user()).isEqualTo("bob");
      assertThat(noUserInUrl.password()).as("an empty password= is still the URL's").contains("");
      assertThat(noUserInUrl.jdbcUrlWithoutCredentials()).isEqualTo("jdbc:postgresql://db1/app");
    }

    @Test
    void emptyLibpqVariablesCountAsUnset() {
      Settings s = resolveEnv(Map.of("PGHOST", "", "PGUSER", "", "PGPASSWORD", ""));
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/" + OS_USER);
      assertThat(s.user()).isEqualTo(OS_USER);
      assertThat(s.password()).isEmpty();
    }

    @Test
    void supportsHostListsAndIpv6() {
      assertThat(
              resolveEnv(Map.of("PGHOST", "a,b", "PGPORT", "5432,5433", "PGDATABASE", "d"))
                  .jdbcUrl())
          .isEqualTo("jdbc:postgresql://a:5432,b:5433/d");
      assertThat(resolveEnv(Map.of("PGHOST", "a,b", "PGPORT", "6000", "PGDATABASE", "d")).jdbcUrl())
          .isEqualTo("jdbc:postgresql://a:6000,b:6000/d");
      Settings v6 = resolveEnv(Map.of("PGHOST", "::1", "PGDATABASE", "d"));
      assertThat(v6.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/d");
      assertThat(v6.describeTarget()).isEqualTo("[::1]:5432/d");
    }

    @Test
    void encodesDatabaseNamesForTheUrl() {
      Settings s = resolveEnv(Map.of("PGHOST", "h", "PGDATABASE", "my db/1"));
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/my+db%2F1");
      assertThat(s.describeTarget()).isEqualTo("h:5432/my db/1");
    }

    @Test
    void rejectsWhatTheJdbcDriverCannotUse() {
      assertThatThrownBy(() -> resolveEnv(Map.of("PGHOST", "/var/run/postgresql")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("PGHOST")
          .hasMessageContaining("Unix-domain socket")
          .hasMessageContaining("pgjcache.jdbc-url");
      assertThatThrownBy(() -> resolveEnv(Map.of("PGPORT", "fivefour")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("PGPORT")
          .hasMessageContaining("fivefour");
      assertThatThrownBy(() -> resolveEnv(Map.of("PGPORT", "70000")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("between 1 and 65535");
      assertThatThrownBy(() -> resolveEnv(Map.of("PGHOST", "a,b,c", "PGPORT", "1,2")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("3 hosts");
    }

    @Test
    void theMemoryBackendDoesNotLookAtPgHost() {
      Settings s =
          resolveEnv(Map.of("PGJCACHE_BACKEND", "memory", "PGHOST", "/var/run/postgresql"));
      assertThat(s.backend()).isEqualTo(BackendKind.MEMORY);
      assertThat(s.sourceOf("jdbc-url")).isEqualTo("default");
      assertThat(s.describeTarget()).isEqualTo("memory");
    }
  }

  @Nested
  class Environment {

    @Test
    void mapsEveryGlobalKeyToItsNormalisedVariable() {
      Map<String, String> env = new HashMap<>();
      env.put("PGJCACHE_BACKEND", "memory");
      env.put("PGJCACHE_JDBC_URL", "jdbc:postgresql://e:1/e");
      env.put("PGJCACHE_LISTEN_JDBC_URL", "jdbc:postgresql://l:2/e");
      env.put("PGJCACHE_USER", "eu");
      env.put("PGJCACHE_PASSWORD", "ep");
      env.put("PGJCACHE_SCHEMA", "es");
      env.put("PGJCACHE_TABLE", "et");
      env.put("PGJCACHE_CHANNEL", "ec");
      env.put("PGJCACHE_DDL", "false");
      env.put("PGJCACHE_POOL_SIZE", "5");
      env.put("PGJCACHE_CONNECT_TIMEOUT", "1s");
      env.put("PGJCACHE_STATEMENT_TIMEOUT", "2s");
      env.put("PGJCACHE_HEARTBEAT_INTERVAL", "3s");
      env.put("PGJCACHE_RECONNECT_INTERVAL", "4s");
      env.put("PGJCACHE_SYNC_ON_MISMATCH", "false");
      env.put("PGJCACHE_NOTIFICATIONS", "false");
      env.put("PGJCACHE_SHARED_BACKEND", "false");
      env.put("PGJCACHE_DURABILITY", "relaxed");
      env.put("PGJCACHE_SERIALIZATION_ALLOW", "com.acme.**");
      env.put("PGJCACHE_SERIALIZATION_MAX_BYTES", "1000");
      env.put("PGJCACHE_SERIALIZATION_MAX_ARRAY_LENGTH", "1001");
      env.put("PGJCACHE_SERIALIZATION_MAX_REFERENCES", "1002");
      env.put("PGJCACHE_SERIALIZATION_MAX_DEPTH", "10");
      env.put("PGJCACHE_SERIALIZATION_MAX_TREE_SIZE", "1003");
      env.put("PGJCACHE_NODE_NAME", "en");
      env.put("PGJCACHE_EXPIRY_INTERVAL", "750ms");
      env.put("PGJCACHE_EXPIRY_PROMPT", "false");
      env.put("PGJCACHE_STATISTICS", "true");
      env.put("PGJCACHE_MANAGEMENT", "true");
      env.put("PGJCACHE_SERIALIZATION_MAX_TIME", "1s");
      env.put("PGJCACHE_MAX_ENTRIES", "100");
      env.put("PATH", "/usr/bin");
      Settings s = resolveEnv(env);
      assertThat(s.backend()).isEqualTo(BackendKind.MEMORY);
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://e:1/e");
      assertThat(s.listenJdbcUrl()).isEqualTo("jdbc:postgresql://l:2/e");
      assertThat(s.user()).isEqualTo("eu");
      assertThat(s.password()).contains("ep");
      assertThat(s.schema()).isEqualTo("es");
      assertThat(s.table()).isEqualTo("et");
      assertThat(s.channel()).isEqualTo("ec");
      assertThat(s.ddl()).isFalse();
      assertThat(s.poolSize()).isEqualTo(5);
      assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(s.statementTimeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
      assertThat(s.reconnectInterval()).isEqualTo(Duration.ofSeconds(4));
      assertThat(s.syncOnMismatch()).isFalse();
      assertThat(s.notifications()).isFalse();
      assertThat(s.sharedBackend()).isFalse();
      assertThat(s.durability()).isEqualTo(Durability.RELAXED);
      assertThat(s.serializationAllow()).containsExactly("com.acme.**");
      assertThat(s.serializationMaxBytes()).isEqualTo(1000);
      assertThat(s.serializationMaxArrayLength()).isEqualTo(1001);
      assertThat(s.serializationMaxReferences()).isEqualTo(1002);
      assertThat(s.serializationMaxDepth()).isEqualTo(10);
      assertThat(s.serializationMaxTreeSize()).isEqualTo(1003);
      assertThat(s.nodeName()).isEqualTo("en");
      assertThat(s.expiryInterval()).isEqualTo(Duration.ofMillis(750));
      assertThat(s.maxEntriesDefault()).hasValue(100);
      for (String key : Keys.GLOBAL) {
        assertThat(s.sourceOf(key)).as(key).isEqualTo("env " + Keys.envName(key));
      }
    }

    @Test
    void emptyVariablesCountAsUnset() {
      Settings s = resolveEnv(Map.of("PGJCACHE_POOL_SIZE", ""));
      assertThat(s.poolSize()).isEqualTo(8);
      assertThat(s.sourceOf("pool-size")).isEqualTo("default");
    }

    @Test
    void unknownVariablesAreIgnoredNotFatal() {
      // the environment is shared by every program of a process tree: a stray or misspelt
      // PGJCACHE_* variable is logged with the closest name and otherwise ignored
      Settings s =
          resolveEnv(
              Map.of(
                  "PGJCACHE_POOLSIZE",
                  "4",
                  "PGJCACHE_FOO",
                  "1",
                  "PGJCACHE_CACHES_ORDERS_MAX_ENTRIES",
                  "4"));
      assertThat(s.poolSize()).isEqualTo(8);
      assertThat(s.caches()).isEmpty();
      assertThat(Keys.unknownEnv("PGJCACHE_POOLSIZE").getMessage())
          .contains("did you mean PGJCACHE_POOL_SIZE");
      assertThat(Keys.unknownEnv("PGJCACHE_CACHES_ORDERS_MAX_ENTRIES").getMessage())
          .contains("case-sensitive");
    }

    @Test
    void theTestAndBenchmarkToolingNamesAreNotSettings() {
      Settings s =
          resolveEnv(
              Map.of(
                  "PGJCACHE_TEST_JDBC_URL",
                  "jdbc:postgresql://h/t",
                  "PGJCACHE_BENCH_JDBC_URL",
                  "jdbc:postgresql://h/b",
                  "PGJCACHE_POOL_SIZE",
                  "3"));
      assertThat(s.poolSize()).isEqualTo(3);
      assertThat(s.jdbcUrl()).doesNotContain("h/t").doesNotContain("h/b");
      Properties system = new Properties();
      system.setProperty("pgjcache.test.jdbc-url", "jdbc:postgresql://h/t");
      system.setProperty("pgjcache.bench.db.url", "jdbc:postgresql://h/b");
      assertThat(
              SettingsResolver.resolve(
                      null, getClass().getClassLoader(), new Properties(), Map.of(), system)
                  .jdbcUrl())
          .doesNotContain("h/t");
    }
  }

  @Nested
  class PropertiesAndSystemProperties {

    @Test
    void keysWithoutThePrefixAreIgnored() {
      Settings s =
          resolve(props("pool-size", "2", "hibernate.cache", "x", "pgjcache.pool-size", "3"));
      assertThat(s.poolSize()).isEqualTo(3);
    }

    @Test
    void acceptsNonStringValuesPutIntoProperties() {
      Properties p = new Properties();
      p.put("pgjcache.pool-size", 12);
      p.put("pgjcache.ddl", Boolean.FALSE);
      p.put("pgjcache.statement-timeout", Duration.ofMillis(1500));
      p.put("pgjcache.serialization.allow", List.of("com.a.*", "com.b.C"));
      p.put("pgjcache.caches.orders.key-type", Long.class);
      p.put("pgjcache.caches.orders.expiry.created", javax.cache.expiry.Duration.ETERNAL);
      Settings s = resolve(p);
      assertThat(s.poolSize()).isEqualTo(12);
      assertThat(s.ddl()).isFalse();
      assertThat(s.statementTimeout()).isEqualTo(Duration.ofMillis(1500));
      assertThat(s.serializationAllow()).containsExactly("com.a.*", "com.b.C");
      assertThat(s.cache("orders").keyType()).contains("java.lang.Long");
      assertThat(s.cache("orders").expiryCreated()).contains(javax.cache.expiry.Duration.ETERNAL);
    }

    @Test
    void honoursPropertiesDefaults() {
      Properties p = new Properties(props("pgjcache.pool-size", "21"));
      assertThat(resolve(p).poolSize()).isEqualTo(21);
    }

    @Test
    void systemPropertiesOnlyCountWithThePrefix() {
      Settings s =
          resolve(
              IDENTITY,
              new Properties(),
              Map.of(),
              system("pool-size", "2", "pgjcache.table", "sys_table"));
      assertThat(s.poolSize()).isEqualTo(8);
      assertThat(s.table()).isEqualTo("sys_table");
    }

    @Test
    void unknownSystemPropertiesAreRejectedToo() {
      assertThatThrownBy(
              () -> resolve(IDENTITY, new Properties(), Map.of(), system("pgjcache.tabel", "x")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.tabel")
          .hasMessageContaining("system property")
          .hasMessageContaining("did you mean pgjcache.table");
    }

    @Test
    void aShadowedUnknownKeyIsStillRejected() {
      assertThatThrownBy(
              () ->
                  resolve(
                      IDENTITY,
                      props("pgjcache.pool-size", "1"),
                      Map.of(),
                      system("pgjcache.pool-sise", "2")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.pool-sise");
    }

    @Test
    void valuesAreCaseInsensitiveWhereThatIsSafe() {
      Settings s =
          resolve(
              props(
                  "pgjcache.ddl",
                  "FALSE",
                  "pgjcache.notifications",
                  "True",
                  "pgjcache.backend",
                  "MEMORY",
                  "pgjcache.durability",
                  "Relaxed",
                  "pgjcache.caches.c.expiry.accessed",
                  "ETERNAL"));
      assertThat(s.ddl()).isFalse();
      assertThat(s.notifications()).isTrue();
      assertThat(s.backend()).isEqualTo(BackendKind.MEMORY);
      assertThat(s.durability()).isEqualTo(Durability.RELAXED);
      assertThat(s.cache("c").expiryAccessed()).contains(javax.cache.expiry.Duration.ETERNAL);
    }

    @Test
    void parsesAllowListsTrimmingAndDeduplicating() {
      Settings s =
          resolve(
              props(
                  "pgjcache.serialization.allow",
                  " com.acme.** , com.acme.Foo,,com.acme.Outer$Inner, com.acme.Pre*, com.acme.** "));
      assertThat(s.serializationAllow())
          .containsExactly("com.acme.**", "com.acme.Foo", "com.acme.Outer$Inner", "com.acme.Pre*");
      assertThat(resolve(props("pgjcache.serialization.allow", "")).serializationAllow()).isEmpty();
    }
  }

  @Nested
  class PerCache {

    @Test
    void readsEveryPerCacheKey() {
      Settings s =
          resolve(
              props(
                  "pgjcache.caches.orders.expiry.created", "5m",
                  "pgjcache.caches.orders.expiry.accessed", "eternal",
                  "pgjcache.caches.orders.expiry.modified", "0",
                  "pgjcache.caches.orders.max-entries", "10000",
                  "pgjcache.caches.orders.store-by-value", "false",
                  "pgjcache.caches.orders.statistics", "true",
                  "pgjcache.caches.orders.management", "true",
                  "pgjcache.caches.orders.key-type", "java.lang.String",
                  "pgjcache.caches.orders.value-type", "com.acme.Order"));
      CacheSettings c = s.cache("orders");
      assertThat(c.name()).isEqualTo("orders");
      assertThat(millis(c.expiryCreated().orElseThrow())).isEqualTo(300_000);
      assertThat(c.expiryAccessed().orElseThrow().isEternal()).isTrue();
      assertThat(c.expiryModified().orElseThrow().isZero()).isTrue();
      assertThat(c.maxEntries()).hasValue(10_000);
      assertThat(c.storeByValue()).contains(false);
      assertThat(c.statistics()).contains(true);
      assertThat(c.management()).contains(true);
      assertThat(c.keyType()).contains("java.lang.String");
      assertThat(c.valueType()).contains("com.acme.Order");
      assertThat(c.isEmpty()).isFalse();
      assertThat(s.caches()).containsOnlyKeys("orders");
    }

    @Test
    void cacheNamesMayContainDots() {
      Settings s =
          resolve(
              props(
                  "pgjcache.caches.com.acme.Orders.statistics",
                  "true",
                  "pgjcache.caches.a.statistics.statistics",
                  "false"));
      assertThat(s.cache("com.acme.Orders").statistics()).contains(true);
      assertThat(s.cache("a.statistics").statistics()).contains(false);
      assertThat(s.caches()).containsOnlyKeys("com.acme.Orders", "a.statistics");
    }

    @Test
    void unconfiguredCachesGetAnEmptyObject() {
      CacheSettings c = resolve(new Properties()).cache("nobody");
      assertThat(c.name()).isEqualTo("nobody");
      assertThat(c.isEmpty()).isTrue();
      assertThat(c.expiryCreated()).isEmpty();
      assertThat(c.maxEntries()).isEmpty();
      assertThat(c.statistics()).isEmpty();
      assertThat(c).isEqualTo(CacheSettings.empty("nobody"));
    }

    private long millis(javax.cache.expiry.Duration d) {
      return d.getTimeUnit().toMillis(d.getDurationAmount());
    }

    @Test
    void expiryIsExpressedInMilliseconds() {
      javax.cache.expiry.Duration d =
          resolve(props("pgjcache.caches.x.expiry.created", "1500"))
              .cache("x")
              .expiryCreated()
              .orElseThrow();
      assertThat(d.getTimeUnit()).isEqualTo(TimeUnit.MILLISECONDS);
      assertThat(d.getDurationAmount()).isEqualTo(1500);
    }
  }

  @Nested
  class UnknownKeys {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
                pgjcache.pool-sise                       | pgjcache.pool-size
                pgjcache.poolsize                        | pgjcache.pool-size
                pgjcache.Pool-Size                       | pgjcache.pool-size
                pgjcache.jdbcurl                         | pgjcache.jdbc-url
                pgjcache.statement_timeout               | pgjcache.statement-timeout
                pgjcache.serialisation.allow             | pgjcache.serialization.allow
                pgjcache.timeout                         | pgjcache.connect-timeout
                pgjcache.caches.orders.max-entry         | pgjcache.caches.orders.max-entries
                pgjcache.caches.orders.expiry.create     | pgjcache.caches.orders.expiry.created
                pgjcache.cache.orders.statistics         | pgjcache.caches.orders.statistics
                pgjcache.caches.com.acme.X.statistic     | pgjcache.caches.com.acme.X.statistics
                """)
    void areRejectedWithCloseMatches(String key, String suggestion) {
      assertThatThrownBy(() -> resolve(props(key, "1")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Unknown setting " + key)
          .hasMessageContaining("(from properties)")
          .hasMessageContaining("did you mean")
          .hasMessageContaining(suggestion);
    }

    @Test
    void withoutACloseMatchTheKnownSettingsAreListed() {
      assertThatThrownBy(() -> resolve(props("pgjcache.zzzzzz", "1")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.zzzzzz")
          .hasMessageContaining("known settings")
          .hasMessageContaining("pgjcache.pool-size")
          .hasMessageContaining("pgjcache.caches.<name>.max-entries");
    }

    @Test
    void aCacheWithoutASettingIsUnknownAndThePerCacheSettingsAreListed() {
      assertThatThrownBy(() -> resolve(props("pgjcache.caches.orders", "1")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Unknown setting pgjcache.caches.orders ")
          .hasMessageContaining("pgjcache.caches.<name>.<setting>")
          .hasMessageContaining("max-entries");
    }
  }

  @Nested
  class Validation {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
                pgjcache.pool-size                  | abc                   | not an integer
                pgjcache.pool-size                  | 0                     | between 1 and 1000
                pgjcache.pool-size                  | 1001                  | between 1 and 1000
                pgjcache.pool-size                  | 4.5                   | not an integer
                pgjcache.ddl                        | yes                   | true or false
                pgjcache.ddl                        | 1                     | true or false
                pgjcache.shared-backend             | on                    | true or false
                pgjcache.backend                    | mysql                 | one of postgres, memory
                pgjcache.durability                 | eventual              | one of full, relaxed
                pgjcache.connect-timeout            | 5 minutes             | PT30S
                pgjcache.statement-timeout          | 0                     | greater than zero
                pgjcache.statement-timeout          | 30d                   | at most
                pgjcache.heartbeat-interval         | -1s                   | negative
                pgjcache.reconnect-interval         | 1m                    | at most 30s
                pgjcache.schema                     | x"; drop table users  | '"'
                pgjcache.table                      | 1table                | starts with a digit
                pgjcache.channel                    | my-channel            | '-'
                pgjcache.jdbc-url                   | postgres://h/db       | starting with jdbc:
                pgjcache.user                       | '  '                  | blank
                pgjcache.node-name                  | ''                    | blank
                pgjcache.serialization.allow        | *                     | every class
                pgjcache.serialization.allow        | com.a.*,**            | every class
                pgjcache.serialization.allow        | !com.bad.*            | allow-list
                pgjcache.serialization.allow        | maxdepth=5            | allow-list
                pgjcache.caches.c.max-entries       | 0                     | greater than zero
                pgjcache.caches.c.max-entries       | many                  | not an integer
                pgjcache.caches.c.expiry.created    | forever               | eternal
                pgjcache.caches.c.expiry.accessed   | -5s                   | negative
                pgjcache.caches.c.statistics        | yes                   | true or false
                pgjcache.caches.c.key-type          | not a class           | class name
                pgjcache.caches.c.value-type        | com.acme.             | class name
                """)
    void namesTheSettingTheValueTheSourceAndTheProblem(String key, String value, String problem) {
      assertThatThrownBy(() -> resolve(props(key, value)))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Invalid setting " + key + "=" + value)
          .hasMessageContaining("(from properties)")
          .hasMessageContaining(problem);
    }

    @Test
    void namesTheEnvironmentVariableAsTheSource() {
      assertThatThrownBy(() -> resolveEnv(Map.of("PGJCACHE_POOL_SIZE", "lots")))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.pool-size=lots")
          .hasMessageContaining("(from env PGJCACHE_POOL_SIZE)");
    }

    @Test
    void onlyTheWinningValueIsParsed() {
      // keys are checked in every layer (typos), but a shadowed value is never used
      Settings s =
          resolve(
              IDENTITY,
              props("pgjcache.pool-size", "4"),
              Map.of(),
              system("pgjcache.pool-size", "x"));
      assertThat(s.poolSize()).isEqualTo(4);
    }
  }
}
