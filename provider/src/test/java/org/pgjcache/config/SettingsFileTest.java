package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgjcache.config.Fixtures.resolveFile;
import static org.pgjcache.config.Fixtures.rootedAt;
import static org.pgjcache.config.Fixtures.system;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.cache.CacheException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsFileTest {

  @Nested
  class Classpath {

    @Test
    void readsNestedYamlFlatteningMapsAndLists() {
      Settings s = resolveFile("classpath:config/full.yaml");
      assertThat(s.file()).contains("classpath:config/full.yaml");
      assertThat(s.backend()).isEqualTo(BackendKind.POSTGRES);
      assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db1.internal:6543/app");
      assertThat(s.listenJdbcUrl())
          .isEqualTo("jdbc:postgresql://db1-direct.internal:5432/app?user=listener");
      assertThat(s.listenUser()).isEqualTo("listener");
      assertThat(s.listenPassword()).contains("yaml-secret");
      assertThat(s.describeListenTarget()).isEqualTo("db1-direct.internal:5432/app");
      assertThat(s.user()).isEqualTo("app");
      assertThat(s.password()).contains("yaml-secret");
      assertThat(s.schema()).isEqualTo("cache");
      assertThat(s.table()).isEqualTo("entries");
      assertThat(s.channel()).isEqualTo("cache_events");
      assertThat(s.ddl()).isFalse();
      assertThat(s.poolSize()).isEqualTo(4);
      assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(s.statementTimeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofMinutes(1));
      assertThat(s.reconnectInterval()).isEqualTo(Duration.ofMillis(500));
      assertThat(s.syncOnMismatch()).isFalse();
      assertThat(s.notifications()).isFalse();
      assertThat(s.sharedBackend()).isFalse();
      assertThat(s.durability()).isEqualTo(Durability.RELAXED);
      assertThat(s.serializationAllow()).containsExactly("com.acme.**", "com.acme.model.Order");
      assertThat(s.serializationMaxBytes()).isEqualTo(1_048_576);
      assertThat(s.serializationMaxArrayLength()).isEqualTo(100_000);
      assertThat(s.serializationMaxReferences()).isEqualTo(50_000);
      assertThat(s.serializationMaxDepth()).isEqualTo(20);
      assertThat(s.serializationMaxTreeSize()).isEqualTo(200_000);
      assertThat(s.nodeName()).isEqualTo("node-a");
      assertThat(s.expiryInterval()).isEqualTo(Duration.ofMillis(250));
      assertThat(s.maxEntriesDefault()).hasValue(5000);
      assertThat(s.describeTarget()).isEqualTo("db1.internal:6543/app");
      for (String key : Keys.GLOBAL) {
        assertThat(s.sourceOf(key)).as(key).isEqualTo("classpath:config/full.yaml");
      }
    }

    @Test
    void readsPerCacheSettingsIncludingDottedCacheNames() {
      Settings s = resolveFile("classpath:config/full.yaml");
      assertThat(s.caches()).containsOnlyKeys("orders", "com.acme.Customers");
      CacheSettings orders = s.cache("orders");
      assertThat(
              orders
                  .expiryCreated()
                  .orElseThrow()
                  .getTimeUnit()
                  .toMillis(orders.expiryCreated().orElseThrow().getDurationAmount()))
          .isEqualTo(300_000);
      assertThat(orders.expiryAccessed()).contains(javax.cache.expiry.Duration.ETERNAL);
      assertThat(orders.expiryModified()).isEmpty();
      assertThat(orders.maxEntries()).hasValue(10_000);
      assertThat(orders.statistics()).contains(true);
      CacheSettings customers = s.cache("com.acme.Customers");
      assertThat(customers.storeByValue()).contains(false);
      assertThat(customers.management()).contains(true);
      assertThat(customers.keyType()).contains("java.lang.Long");
      assertThat(customers.valueType()).contains("com.acme.Customer");
      assertThat(s.sourceOf("caches.com.acme.Customers.key-type"))
          .isEqualTo("classpath:config/full.yaml");
    }

    @Test
    void acceptsDottedKeysAndCommaSeparatedListsInYaml() {
      Settings s = resolveFile("classpath:config/partial.yml");
      assertThat(s.poolSize()).isEqualTo(3);
      assertThat(s.schema()).isEqualTo("from_file");
      assertThat(s.serializationAllow()).containsExactly("com.acme.*", "org.example.Thing");
      assertThat(s.cache("orders").maxEntries()).hasValue(50);
      assertThat(s.table()).isEqualTo("pgjcache_entries");
      assertThat(s.sourceOf("table")).isEqualTo("default");
    }

    @Test
    void readsPropertiesFilesIgnoringUnprefixedKeys() {
      Settings s = resolveFile("classpath:config/flat.properties");
      assertThat(s.file()).contains("classpath:config/flat.properties");
      assertThat(s.poolSize()).isEqualTo(6);
      assertThat(s.statementTimeout()).isEqualTo(Duration.ofMillis(2500));
      assertThat(s.table()).isEqualTo("props_entries");
      assertThat(s.serializationAllow()).containsExactly("com.acme.**", "com.other.Foo");
      assertThat(s.cache("orders").maxEntries()).hasValue(20);
      assertThat(s.cache("orders").expiryModified().orElseThrow().getDurationAmount())
          .isEqualTo(3_600_000);
      assertThat(s.sourceOf("pool-size")).isEqualTo("classpath:config/flat.properties");
    }

    @Test
    void aLeadingSlashIsAllowed() {
      assertThat(resolveFile("classpath:/config/partial.yml").poolSize()).isEqualTo(3);
    }

    @Test
    void usesTheGivenClassLoader() {
      Settings s =
          SettingsResolver.resolve(
              URI.create("classpath:pgjcache.properties"),
              rootedAt("default-properties"),
              new Properties(),
              Map.of(),
              system());
      assertThat(s.poolSize()).isEqualTo(13);
    }

    @Test
    void aMissingResourceIsAnErrorNamingTheUri() {
      assertThatThrownBy(() -> resolveFile("classpath:config/nope.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("classpath:config/nope.yaml")
          .hasMessageContaining("not found");
    }

    @Test
    void anUnsupportedExtensionIsAnError() {
      assertThatThrownBy(() -> resolveFile("classpath:config/settings.json"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("classpath:config/settings.json")
          .hasMessageContaining(".yaml, .yml or .properties");
    }
  }

  @Nested
  class DefaultUri {

    private Settings resolveDefault(ClassLoader cl) {
      return SettingsResolver.resolve(
          Settings.DEFAULT_URI, cl, new Properties(), Map.of(), system());
    }

    @Test
    void prefersPgjcacheYamlOverTheOthers() {
      Settings s = resolveDefault(rootedAt("default-yaml"));
      assertThat(s.poolSize()).isEqualTo(11);
      assertThat(s.file()).contains("classpath:pgjcache.yaml");
      assertThat(s.sourceOf("pool-size")).isEqualTo("classpath:pgjcache.yaml");
    }

    @Test
    void fallsBackToPgjcacheProperties() {
      Settings s = resolveDefault(rootedAt("default-properties"));
      assertThat(s.poolSize()).isEqualTo(13);
      assertThat(s.file()).contains("classpath:pgjcache.properties");
    }

    @Test
    void noDefaultFileIsFine() {
      Settings s = resolveDefault(rootedAt("no-such-dir"));
      assertThat(s.file()).isEmpty();
      assertThat(s.poolSize()).isEqualTo(8);
      assertThat(s.uri()).isEqualTo(Settings.DEFAULT_URI);
    }
  }

  @Nested
  class IdentityUris {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "pgjcache:orders",
          "urn:x",
          "org.jsr107.tck.SomeTest",
          "https://example.org/x.yaml",
          "pgjcache:other.yaml"
        })
    void nameNoFile(String uri) {
      Settings s = resolveFile(uri);
      assertThat(s.uri()).isEqualTo(URI.create(uri));
      assertThat(s.file()).isEmpty();
      assertThat(s.poolSize()).isEqualTo(8);
    }

    @Test
    void aRelativePathThatLooksLikeAFileIsAnErrorRatherThanSilentlyIgnored() {
      assertThatThrownBy(() -> resolveFile("config/pgjcache.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("config/pgjcache.yaml")
          .hasMessageContaining("absolute");
    }
  }

  @Nested
  class FileSystem {

    @TempDir Path dir;

    private Path write(String name, String content) throws IOException {
      Path p = dir.resolve(name);
      Files.writeString(p, content, StandardCharsets.UTF_8);
      return p;
    }

    @Test
    void readsYamlThroughAFileUri() throws IOException {
      Path p =
          write(
              "app.yaml",
              "pgjcache:\n  pool-size: 9\n  caches:\n    orders:\n      max-entries: 3\n");
      Settings s = resolveFile(p.toUri().toString());
      assertThat(s.poolSize()).isEqualTo(9);
      assertThat(s.cache("orders").maxEntries()).hasValue(3);
      assertThat(s.file()).contains("file:" + p.toAbsolutePath());
      assertThat(s.sourceOf("pool-size")).isEqualTo("file:" + p.toAbsolutePath());
    }

    @Test
    void readsPropertiesThroughAFileUriWithOneSlash() throws IOException {
      Path p = write("app.properties", "pgjcache.pool-size=10\n");
      assertThat(resolveFile("file:" + p.toAbsolutePath()).poolSize()).isEqualTo(10);
    }

    @Test
    void readsAPlainAbsolutePath() throws IOException {
      Path p = write("plain.yml", "pgjcache:\n  pool-size: 14\n");
      Settings s = resolveFile(p.toAbsolutePath().toString());
      assertThat(s.poolSize()).isEqualTo(14);
      assertThat(s.file()).contains("file:" + p.toAbsolutePath());
    }

    @Test
    void aMissingFileIsAnErrorNamingTheUri() {
      String uri = dir.resolve("missing.yaml").toUri().toString();
      assertThatThrownBy(() -> resolveFile(uri))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining(uri)
          .hasMessageContaining("does not exist");
    }

    @Test
    void aDirectoryIsNotAConfigurationFile() throws IOException {
      Path sub = Files.createDirectory(dir.resolve("conf.yaml"));
      assertThatThrownBy(() -> resolveFile(sub.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("not a regular file");
    }

    @Test
    void anEmptyYamlFileDefinesNothing() throws IOException {
      Path p = write("empty.yaml", "");
      Settings s = resolveFile(p.toUri().toString());
      assertThat(s.poolSize()).isEqualTo(8);
      assertThat(s.file()).isPresent();
    }

    @Test
    void anEmptyPgjcacheSectionDefinesNothing() throws IOException {
      Path p = write("empty-section.yaml", "pgjcache:\nspring:\n  x: 1\n");
      assertThat(resolveFile(p.toUri().toString()).poolSize()).isEqualTo(8);
    }

    @Test
    void aSettingWithoutAValueIsAnError() throws IOException {
      Path p = write("null.yaml", "pgjcache:\n  pool-size:\n");
      assertThatThrownBy(() -> resolveFile(p.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("file:" + p.toAbsolutePath())
          .hasMessageContaining("pool-size has no value");
    }

    @Test
    void theTopLevelMustBeAMapping() throws IOException {
      Path p = write("list.yaml", "- pool-size\n- 4\n");
      assertThatThrownBy(() -> resolveFile(p.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("top level must be a mapping");
      Path q = write("scalar.yaml", "pgjcache: 4\n");
      assertThatThrownBy(() -> resolveFile(q.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache: must be a mapping");
    }

    @Test
    void aSecondYamlDocumentIsAnErrorRatherThanIgnored() throws IOException {
      Path p =
          write("two-docs.yaml", "pgjcache:\n  pool-size: 2\n---\npgjcache:\n  pool-size: 3\n");
      assertThatThrownBy(() -> resolveFile(p.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("more than one YAML document");
    }

    @Test
    void listsMayOnlyHoldPlainValues() throws IOException {
      Path p =
          write("nested-list.yaml", "pgjcache:\n  serialization:\n    allow:\n      - {a: b}\n");
      assertThatThrownBy(() -> resolveFile(p.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("serialization.allow");
    }

    @Test
    void anUnprefixedSettingInAPropertiesFileIsAnError() throws IOException {
      Path p = write("unprefixed.properties", "pool-size=4\n");
      assertThatThrownBy(() -> resolveFile(p.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pool-size")
          .hasMessageContaining("write pgjcache.pool-size");
    }

    @Test
    void aPropertiesFileMustBeUtf8() throws IOException {
      Path p = dir.resolve("latin1.properties");
      Files.write(p, "pgjcache.node-name=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
      assertThatThrownBy(() -> resolveFile(p.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("UTF-8");
    }

    @Test
    void aPropertiesFileIsReadAsUtf8() throws IOException {
      Path p = write("utf8.properties", "pgjcache.node-name=caf\u00e9\n");
      assertThat(resolveFile(p.toUri().toString()).nodeName()).isEqualTo("caf\u00e9");
    }

    @Test
    void aBadEscapeInAPropertiesFileIsReported() throws IOException {
      Path p = write("escape.properties", "pgjcache.node-name=\\uZZZZ\n");
      assertThatThrownBy(() -> resolveFile(p.toUri().toString()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Malformed configuration file file:" + p.toAbsolutePath());
    }

    @Test
    void aFileUriWithAHostIsRejected() {
      assertThatThrownBy(() -> resolveFile("file://server/share/x.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("file://server/share/x.yaml");
    }
  }

  @Nested
  class Malformed {

    @Test
    void brokenYamlNamesTheFileThePositionAndTheProblem() {
      assertThatThrownBy(() -> resolveFile("classpath:config/malformed.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Malformed configuration file classpath:config/malformed.yaml")
          .hasMessageContaining("line ")
          .hasMessageContaining("quoted scalar");
    }

    @Test
    void brokenYamlDoesNotQuoteTheLineHoldingThePassword() {
      assertThatThrownBy(() -> resolveFile("classpath:config/malformed.yaml"))
          .satisfies(
              e -> {
                for (Throwable t = e; t != null; t = t.getCause()) {
                  assertThat(String.valueOf(t.getMessage())).doesNotContain("leaky-secret");
                }
              });
    }

    @Test
    void aTypoInAFileNamesTheFileAndSuggestsTheKey() {
      assertThatThrownBy(() -> resolveFile("classpath:config/typo.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.pool-sise")
          .hasMessageContaining("classpath:config/typo.yaml")
          .hasMessageContaining("did you mean pgjcache.pool-size");
    }

    @Test
    void settingsOutsideThePgjcacheSectionAreCaught() {
      assertThatThrownBy(() -> resolveFile("classpath:config/not-nested.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pool-size must be nested under pgjcache:");
    }

    @Test
    void theSameSettingWrittenTwoWaysIsAnError() {
      assertThatThrownBy(() -> resolveFile("classpath:config/duplicate.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("caches.orders.max-entries is defined more than once");
    }

    @Test
    void yamlBooleanWordsAreNotBooleans() {
      assertThatThrownBy(() -> resolveFile("classpath:config/yaml-words.yaml"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.ddl=yes")
          .hasMessageContaining("true or false");
    }

    @Test
    void aBadIdentifierInAFileSaysWhichSettingAndWhy() {
      assertThatThrownBy(() -> resolveFile("classpath:config/bad-identifier.properties"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.table=x\"; drop table users; --")
          .hasMessageContaining("classpath:config/bad-identifier.properties")
          .hasMessageContaining("spliced into SQL");
    }
  }
}
