package org.pgjcache.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjcache.examples.support.Recorded;
import org.pgjcache.examples.support.Recorded.Change;

/**
 * How an application tests its own code that uses pgjcache without a database: {@code
 * pgjcache.backend=memory}. The code under test is the same; entries live in this JVM only, and
 * cache managers of this JVM that use the memory backend share them, events included, so even
 * "another node changed it" can be tested.
 */
class WithoutADatabaseTest {

  private CacheManager manager;
  private CacheManager otherNode;

  @BeforeEach
  void open() {
    Properties memory = new Properties();
    memory.setProperty("pgjcache.backend", "memory");
    CachingProvider provider = Caching.getCachingProvider();
    ClassLoader loader = getClass().getClassLoader();
    manager = provider.getCacheManager(URI.create("pgjcache:memory-test"), loader, memory);
    otherNode = provider.getCacheManager(URI.create("pgjcache:memory-test-other"), loader, memory);
  }

  @AfterEach
  void close() {
    otherNode.close();
    manager.close();
  }

  @Test
  void featureFlagsWorkOnTheMemoryBackend() {
    FeatureFlags flags = FeatureFlags.open(manager);

    flags.enable("dark-mode");

    assertThat(flags.isEnabled("dark-mode")).isTrue();
    assertThat(flags.isEnabled("beta")).isFalse();
  }

  @Test
  void settingsHaveDefaultsAndKeepWhatIsSet() {
    SettingsService settings = SettingsService.open(manager);
    Setting<Integer> maxUsers = Setting.ofInt("max_users", 100);

    assertThat(settings.get(maxUsers)).isEqualTo(100);
    settings.set(maxUsers, 3);

    assertThat(settings.get(maxUsers)).isEqualTo(3);
  }

  @Test
  void aChangeThroughAnotherManagerReachesSubscribers() {
    FeatureFlags flags = FeatureFlags.open(manager);
    FeatureFlags flagsElsewhere = FeatureFlags.open(otherNode);
    Recorded<Boolean> heard = new Recorded<>();

    ChangeSubscription<Boolean> subscription = flags.onChange(heard);
    try {
      flagsElsewhere.enable("dark-mode");

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> heard.changes().contains(new Change<>("dark-mode", true)));
      assertThat(flags.isEnabled("dark-mode")).isTrue();
    } finally {
      subscription.close();
    }
  }
}
