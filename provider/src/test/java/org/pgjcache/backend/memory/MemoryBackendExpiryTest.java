package org.pgjcache.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.EventLog;

/** The memory backend reaps like the PostgreSQL one: each "node" hears each expiry once. */
class MemoryBackendExpiryTest {

  private static CacheManager node(String name) {
    Properties p = new Properties();
    p.setProperty("pgjcache.backend", "memory");
    p.setProperty("pgjcache.expiry-interval", "100ms");
    return Caching.getCachingProvider()
        .getCacheManager(
            URI.create("pgjcache:memory-expiry-" + name),
            MemoryBackendExpiryTest.class.getClassLoader(),
            p);
  }

  @Test
  void expiredEntriesAreReapedAndHeardOnceOnEveryManager() {
    int entries = 10;
    CacheManager a = node("a");
    CacheManager b = node("b");
    try {
      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>()
              .setTypes(String.class, String.class)
              .setExpiryPolicyFactory(
                  CreatedExpiryPolicy.factoryOf(
                      new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 300)));
      Cache<String, String> onA = a.createCache("memory-ttl", config);
      Cache<String, String> onB = b.createCache("memory-ttl", new MutableConfiguration<>(config));
      EventLog<String, String> heardOnA = EventLog.on(onA, System::currentTimeMillis, false);
      EventLog<String, String> heardOnB = EventLog.on(onB, System::currentTimeMillis, false);
      for (int i = 0; i < entries; i++) {
        onA.put("k" + i, "v" + i);
      }
      for (EventLog<String, String> log : List.of(heardOnA, heardOnB)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> log.count(EventType.EXPIRED) == entries);
      }
      onA.put("marker", "m");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> heardOnB.count(EventType.CREATED, "marker") == 1);
      for (EventLog<String, String> log : List.of(heardOnA, heardOnB)) {
        Map<String, Integer> counts = log.countsByKey(EventType.EXPIRED);
        counts.remove("marker");
        assertThat(counts).hasSize(entries);
        assertThat(counts.values()).containsOnly(1);
      }
      for (int i = 0; i < entries; i++) {
        assertThat(onA.get("k" + i)).isNull();
        assertThat(onB.containsKey("k" + i)).isFalse();
      }
    } finally {
      a.close();
      b.close();
    }
  }
}
