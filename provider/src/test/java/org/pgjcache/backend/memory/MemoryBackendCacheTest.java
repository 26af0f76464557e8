package org.pgjcache.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import org.junit.jupiter.api.Test;
import org.pgjcache.manager.Backends;

/** The memory backend: no database, the same behaviour, and "nodes" inside one JVM. */
class MemoryBackendCacheTest {

  static final List<String> HEARD = new CopyOnWriteArrayList<>();

  /** Records what node B hears. */
  public static final class Recorder
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryRemovedListener<String, String> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> HEARD.add("created " + e.getKey() + "=" + e.getValue()));
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events)
        throws CacheEntryListenerException {
      events.forEach(e -> HEARD.add("removed " + e.getKey()));
    }
  }

  private static CacheManager node(String name) {
    Properties p = new Properties();
    p.setProperty("pgjcache.backend", "memory");
    return Caching.getCachingProvider()
        .getCacheManager(
            URI.create("pgjcache:memory-" + name),
            MemoryBackendCacheTest.class.getClassLoader(),
            p);
  }

  @Test
  void twoManagersShareTheStoreAndHearEachOther() {
    CacheManager a = node("a");
    CacheManager b = node("b");
    try {
      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>().setTypes(String.class, String.class);
      Cache<String, String> onA = a.createCache("flags", config);
      Cache<String, String> onB =
          b.createCache(
              "flags",
              new MutableConfiguration<>(config)
                  .addCacheEntryListenerConfiguration(
                      new MutableCacheEntryListenerConfiguration<>(
                          FactoryBuilder.factoryOf(Recorder.class), null, false, true)));
      HEARD.clear();

      onA.put("new_ui", "on");
      await().atMost(Duration.ofSeconds(5)).until(() -> "on".equals(onB.get("new_ui")));
      assertThat(HEARD).containsExactly("created new_ui=on");

      assertThat(onB.putIfAbsent("new_ui", "off")).isFalse();
      assertThat(onA.replace("new_ui", "on", "beta")).isTrue();
      onA.remove("new_ui");
      await().atMost(Duration.ofSeconds(5)).until(() -> HEARD.contains("removed new_ui"));
      assertThat(onB.containsKey("new_ui")).isFalse();
      assertThat(Backends.openCount()).isPositive();
    } finally {
      a.close();
      b.close();
    }
  }
}
