package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgjcache.config.Fixtures.props;
import static org.pgjcache.config.Fixtures.resolve;

import java.util.Properties;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.pgjcache.codec.DecodeLimits;
import org.pgjcache.manager.PgCacheManagerImpl;

/** The {@code serialization.max-*} settings reach the codec, and their defaults are the codec's. */
class SerializationLimitsSettingsTest {

  @Test
  void theDefaultsAreTheCodecsDefaults() {
    assertThat(PgCacheManagerImpl.decodeLimits(resolve(new Properties())))
        .isEqualTo(DecodeLimits.DEFAULTS);
  }

  @Test
  void eachLimitIsASetting() {
    Settings s =
        resolve(
            props(
                "pgjcache.serialization.max-bytes",
                "1000",
                "pgjcache.serialization.max-array-length",
                "2000",
                "pgjcache.serialization.max-references",
                "3000",
                "pgjcache.serialization.max-depth",
                "12",
                "pgjcache.serialization.max-tree-size",
                "4000"));
    assertThat(PgCacheManagerImpl.decodeLimits(s))
        .isEqualTo(new DecodeLimits(1000, 2000, 3000, 12, 4000));
    assertThat(s.toProperties().getProperty("pgjcache.serialization.max-depth")).isEqualTo("12");
  }

  @Test
  void nonsenseIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> resolve(props("pgjcache.serialization.max-depth", "0")))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("serialization.max-depth");
    assertThatThrownBy(() -> resolve(props("pgjcache.serialization.max-bytes", "lots")))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("serialization.max-bytes");
    assertThatThrownBy(() -> resolve(props("pgjcache.serialization.max-bytes", "2147483648")))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("serialization.max-bytes");
  }
}
