package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.backend;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.expiry.AccessedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.postgres.LostNotifications;
import org.pgjcache.support.Nodes;

/**
 * Changes a node misses on purpose (its notifications dropped): a clear is repaired by the
 * heartbeat, and an access that moved an entry's expiry elsewhere keeps the entry alive here too.
 */
class MissedTouchAndClearTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aMissedClearIsRepairedByTheHeartbeat() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("missedclear")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
      MutableConfiguration<String, String> config = strings();
      Cache<String, String> a = am.createCache("c", config);
      Cache<String, String> b = bm.createCache("c", config);
      for (int i = 0; i < 20; i++) {
        a.put("k" + i, "v");
      }
      await().atMost(WAIT).until(() -> "v".equals(b.get("k19")));
      LostNotifications.drop(bm, true);
      try {
        a.clear();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    assertThat(b.get("k" + i)).isNull();
                  }
                });
      } finally {
        LostNotifications.drop(bm, false);
      }
      a.put("k1", "after");
      await().atMost(WAIT).until(() -> "after".equals(b.get("k1")));
    }
  }

  @Test
  void anAccessElsewhereThatThisNodeMissedKeepsTheEntryAlive() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("missedtouch")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>()
              .setTypes(String.class, String.class)
              .setExpiryPolicyFactory(
                  AccessedExpiryPolicy.factoryOf(
                      new javax.cache.expiry.Duration(TimeUnit.SECONDS, 3)));
      Cache<String, String> a = am.createCache("c", config);
      Recorder heard = new Recorder();
      Cache<String, String> b =
          bm.createCache(
              "c",
              new MutableConfiguration<>(config)
                  .addCacheEntryListenerConfiguration(heard.configuration()));
      a.put("k", "read often on a");
      await().atMost(WAIT).until(() -> heard.size() == 1);
      long firstExpiry = backend(bm).store().now() + 3_000;
      LostNotifications.drop(bm, true);
      try {
        // a keeps reading k (each read moves its expiry); b hears none of it
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    "read often on a".equals(a.get("k"))
                        && backend(bm).store().now() > firstExpiry + 1_000);
        assertThat(b.get("k")).isEqualTo("read often on a");
      } finally {
        LostNotifications.drop(bm, false);
      }
      assertThat(heard.events()).noneMatch(e -> e.type() == EventType.EXPIRED);
    }
  }
}
