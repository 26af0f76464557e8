package org.pgjcache.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjcache.support.Nodes;

class DeclaredCachesTest {

  @TempDir
  Path dir;

  @Test
  void cachesDeclaredInTheFileExistWhenTheManagerOpens() throws IOException {
    try (Nodes nodes = Nodes.freshDatabase("declared")) {
      Path file = dir.resolve("pgjcache.yaml");
      Files.writeString(file, String.join("\n",
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
      CacheManager manager = Caching.getCachingProvider().getCacheManager(file.toUri(),
          getClass().getClassLoader());
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
  void aBoundedReplicaIsRefusedClearly() throws IOException {
    Path file = dir.resolve("bounded.yaml");
    Files.writeString(file, "pgjcache:\n  backend: memory\n  caches:\n    big:\n      max-entries: 10\n");
    assertThatThrownBy(() -> Caching.getCachingProvider().getCacheManager(file.toUri(),
        getClass().getClassLoader()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("max-entries");
  }
}
