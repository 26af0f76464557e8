package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgjcache.config.Fixtures.IDENTITY;
import static org.pgjcache.config.Fixtures.props;
import static org.pgjcache.config.Fixtures.resolve;
import static org.pgjcache.config.Fixtures.system;

import java.util.Map;
import java.util.Properties;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * {@code max-entries} bounds every cache's replica, {@code caches.<name>.max-entries} one cache's.
 */
class BoundedSettingsTest {

  @Test
  void unsetMeansEveryCacheHoldsEverything() {
    Settings s = resolve(new Properties());
    assertThat(s.maxEntriesDefault()).isEmpty();
    assertThat(s.maxEntries("any")).isEmpty();
    assertThat(s.sourceOf("max-entries")).isEqualTo("not set");
  }

  @Test
  void theDefaultBoundsEveryCacheAndACachesOwnSettingWins() {
    Settings s =
        resolve(props("pgjcache.max-entries", "1000", "pgjcache.caches.orders.max-entries", "5"));
    assertThat(s.maxEntriesDefault()).hasValue(1000);
    assertThat(s.maxEntries("created-by-spring")).hasValue(1000);
    assertThat(s.maxEntries("orders")).hasValue(5);
    assertThat(s.toProperties()).containsEntry("pgjcache.max-entries", "1000");
  }

  @Test
  void aSystemPropertySetsTheDefault() {
    Settings s = resolve(IDENTITY, new Properties(), Map.of(), system("pgjcache.max-entries", "2"));
    assertThat(s.maxEntries("tck-cache")).hasValue(2);
    assertThat(s.sourceOf("max-entries")).isEqualTo("system property");
  }

  @Test
  void theBoundMustBePositive() {
    assertThatThrownBy(() -> resolve(props("pgjcache.max-entries", "0")))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("pgjcache.max-entries");
  }
}
