package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.execute;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;

/** Notifications that are not pgjcache's are logged, counted and skipped; syncing goes on. */
class GarbageNotificationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void garbageOnTheChannelIsCountedAndSkipped() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("garbage")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
      MutableConfiguration<String, String> config = strings();
      Cache<String, String> a = am.createCache("c", config);
      Recorder heard = new Recorder();
      Cache<String, String> b =
          bm.createCache(
              "c",
              new MutableConfiguration<>(config)
                  .addCacheEntryListenerConfiguration(heard.configuration()));

      execute(nodes, "select pg_notify('pgjcache_changes', 'garbage')");
      execute(nodes, "select pg_notify('pgjcache_changes', 'P|12|x|origin|1|5|ckey')");
      execute(nodes, "select pg_notify('pgjcache_changes', 'B|R|1|2')");
      await().atMost(WAIT).until(() -> sync(bm).corruptNotificationsSkipped() == 3);
      assertThat(sync(am).corruptNotificationsSkipped()).isEqualTo(3);

      a.put("after", "still syncing");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("after")).isEqualTo("still syncing");
                assertThat(heard.events())
                    .containsExactly(new Event(EventType.CREATED, "after", "still syncing", null));
              });
      assertThat(sync(bm).listenReconnects()).isZero();
    }
  }
}
