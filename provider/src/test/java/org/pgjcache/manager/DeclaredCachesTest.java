package org.pgjcache.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjcache.cache.PgCache;
import org.pgjcache.support.Nodes;

class DeclaredCachesTest {

  @TempDir Path dir;

  @Test
  void cachesDeclaredInTheFileExistWhenTheManagerOpens() throws IOException {
    try (Nodes nodes = Nodes.freshDatabase("declared")) {
      Path file = dir.resolve("pgjcache.yaml");
      Files.writeString(
          file,
          String.join(
              "\n",
              "pgjcache:",
              "  jdbc-url: " + nodes.jdbcUrl(),
              "  user: " + nodes.user(),
              "  shared-backend: false",
              "  caches:",
              "    sessions:",
              "      key-type: java.lang.String",
              "      value-type: java.lang.String",
              "      expiry:",
              "        created: 300ms",
              "      statistics: true",
              ""));
      CacheManager manager =
          Caching.getCachingProvider().getCacheManager(file.toUri(), getClass().getClassLoader());
      try {
        Cache<String, String> sessions = manager.getCache("sessions", String.class, String.class);
        assertThat(sessions).isNotNull();
        assertThat(sessions.getConfiguration(CompleteConfiguration.class).isStatisticsEnabled())
            .isTrue();
        sessions.put("u1", "token");
        assertThat(sessions.get("u1")).isEqualTo("token");
        await().atMost(Duration.ofSeconds(10)).until(() -> sessions.get("u1") == null);
      } finally {
        manager.close();
      }
    }
  }

  @Test
  void aDeclaredBoundedCacheOpensWithABoundedReplica() throws IOException {
    Path file = dir.resolve("bounded.yaml");
    Files.writeString(
        file, "pgjcache:\n  backend: memory\n  caches:\n    big:\n      max-entries: 10\n");
    CacheManager manager =
        Caching.getCachingProvider().getCacheManager(file.toUri(), getClass().getClassLoader());
    try {
      Cache<Object, Object> big = manager.getCache("big");
      for (int i = 0; i < 50; i++) {
        big.put("k" + i, i);
      }
      for (int i = 0; i < 50; i++) {
        assertThat(big.get("k" + i)).isEqualTo(i);
      }
      org.pgjcache.store.Replica.TierStats tier = big.unwrap(PgCache.class).localTier();
      assertThat(tier.maxEntries()).isEqualTo(10);
      assertThat(tier.size()).isLessThanOrEqualTo(10);
      int[] count = {0};
      big.forEach(e -> count[0]++);
      assertThat(count[0]).isEqualTo(50);
    } finally {
      manager.close();
    }
  }
}
