package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The README's settings table is the table of {@link Key}, and every row of it is resolvable. */
class KeyTableTest {

  @Test
  void theReadmeShowsTheTableOfKeysAsItIs() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme)
        .as("README.md's settings table; regenerate it from Key.markdownTable()")
        .contains(Key.markdownTable());
  }

  @Test
  void everyGlobalKeyIsNamedOnceAndHasAnEnvironmentVariable() {
    Set<String> names = new HashSet<>();
    for (Key key : Key.GLOBAL) {
      assertThat(names.add(key.text())).as(key.text()).isTrue();
      assertThat(Keys.fromEnvName(key.envName())).contains(key.text());
    }
    assertThat(Keys.GLOBAL).doesNotContain(Key.DATA_SOURCE.text());
  }

  @Test
  void everyDefaultPassesItsOwnCheckAndFormatsBackToItself() {
    for (Key key : Key.values()) {
      if (key.defaultText() != null) {
        Object value = key.parse(key.defaultText());
        assertThat(key.format(value)).as(key.text()).isEqualTo(key.defaultText());
      }
    }
  }

  @Test
  void aValueSetForEveryKeyRoundTripsThroughToProperties() {
    Properties p = new Properties();
    p.setProperty("pgjcache.backend", "memory");
    p.setProperty("pgjcache.password", "secret");
    p.setProperty("pgjcache.max-entries", "5");
    p.setProperty("pgjcache.caches.c.expiry.created", "30s");
    p.setProperty("pgjcache.caches.c.max-entries", "7");
    p.setProperty("pgjcache.caches.c.value-format", "json");
    Settings first = Fixtures.resolve(p);
    Settings again = Fixtures.resolve(first.toProperties());
    assertThat(again.toProperties()).isEqualTo(first.toProperties());
    assertThat(again.cache("c")).isEqualTo(first.cache("c"));
    assertThat(again.maxEntries("c")).hasValue(7);
  }
}
