package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.pg;
import static org.pgjcache.sync.SyncFixtures.query;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.memory.MemoryBackend;
import org.pgjcache.support.Nodes;

/**
 * One heartbeat per backend, not per cache or per manager: managers sharing a backend share its
 * agent and its node row, and the memory backend runs the very same heartbeat.
 */
class SharedHeartbeatTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static long syncThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("pgjcache-sync-"))
        .count();
  }

  @Test
  void managersOnOneBackendShareOneHeartbeatForAllTheirCaches() throws Exception {
    long threadsBefore = syncThreads();
    try (Nodes nodes = Nodes.freshDatabase("shared")) {
      Properties shared = fast(nodes, "node-s");
      shared.setProperty("pgjcache.shared-backend", "true");
      CacheManager m1 = nodes.node("m1", shared);
      CacheManager m2 = nodes.node("m2", shared);
      assertThat(pg(m1).backend()).isSameAs(pg(m2).backend());
      assertThat(sync(m1)).isSameAs(sync(m2));
      assertThat(syncThreads()).isEqualTo(threadsBefore + 1);

      Cache<String, String> c1 = m1.createCache("c", strings());
      Cache<String, String> c2 = m2.createCache("c", strings());
      Cache<String, String> d1 = m1.createCache("d", strings());
      c1.put("k", "v");
      d1.put("k", "w");
      await().atMost(WAIT).until(() -> "v".equals(c2.get("k")));
      sync(m1).heartbeatNow();
      assertThat(sync(m1).matched()).isTrue();
      assertThat(sync(m1).caches()).containsOnlyKeys("c", "d");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(query(nodes, "select name, caches from pgjcache_entries_nodes"))
                      .containsExactly(List.of("node-s", 2)));
      assertThat(
              query(
                  nodes,
                  "select listening, listening_since is not null, listen_endpoint like"
                      + " '127.0.0.1:%' or listen_endpoint like 'localhost:%', last_listen_error,"
                      + " forged_notifications from pgjcache_entries_nodes"))
          .containsExactly(java.util.Arrays.asList(true, true, true, null, 0L));

      m1.close();
      assertThat(syncThreads()).isEqualTo(threadsBefore + 1);
      assertThat(query(nodes, "select count(*) from pgjcache_entries_nodes"))
          .containsExactly(List.of(1L));
      m2.close();
      assertThat(syncThreads()).isEqualTo(threadsBefore);
      assertThat(query(nodes, "select count(*) from pgjcache_entries_nodes"))
          .containsExactly(List.of(0L));
    }
  }

  @Test
  void theMemoryBackendRunsTheSameHeartbeat() {
    Properties p = new Properties();
    p.setProperty("pgjcache.backend", "memory");
    // only heartbeatNow once the agent's first beat (at start) is over: a beat that runs while the
    // putAll is being applied may count its entries as repairs
    p.setProperty("pgjcache.heartbeat-interval", "1h");
    p.setProperty("pgjcache.node-name", "memory-node");
    try (CacheManager manager =
        Caching.getCachingProvider()
            .getCacheManager(URI.create("pgjcache:sync-memory"), getClass().getClassLoader(), p)) {
      Cache<String, String> cache = manager.createCache("c", strings());
      await().atMost(WAIT).until(() -> sync(manager).heartbeats() >= 1);
      Map<String, String> many = new TreeMap<>();
      for (int i = 0; i < 100; i++) {
        many.put("k" + i, "v" + i);
      }
      cache.putAll(many);
      cache.remove("k5");
      sync(manager).heartbeatNow();
      assertThat(sync(manager).matched()).isTrue();
      assertThat(sync(manager).caches().get("c").count()).isEqualTo(99);
      assertThat(sync(manager).repairedEntries()).isZero();
      MemoryBackend backend = (MemoryBackend) pg(manager).backend();
      await().atMost(WAIT).untilAsserted(() -> assertThat(backend.nodes()).hasSize(1));
    }
  }
}
