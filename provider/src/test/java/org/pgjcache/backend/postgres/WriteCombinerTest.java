package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/** Concurrent puts share commits without losing order, durability or read-your-writes. */
class WriteCombinerTest {

  private static final int THREADS = 8;
  private static final int PUTS = 300;

  @Test
  void concurrentPutsCommitInOrderAndConverge() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("combiner")) {
      MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
          .setTypes(String.class, Integer.class);
      Cache<String, Integer> writer = nodes.node("writer").createCache("c", config);
      Cache<String, Integer> watcher = nodes.node("watcher").createCache("c", config);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          String own = "own-" + t;
          int thread = t;
          results.add(pool.submit(() -> {
            boolean readOwnWrites = true;
            for (int i = 1; i <= PUTS; i++) {
              writer.put(own, i);
              writer.put("shared", thread * 1_000_000 + i);
              readOwnWrites &= writer.get(own) == i;
            }
            return readOwnWrites;
          }));
        }
        for (Future<Boolean> result : results) {
          assertThat(result.get()).isTrue();
        }
      } finally {
        pool.shutdown();
      }
      Map<String, Integer> stored = stored(nodes);
      for (int t = 0; t < THREADS; t++) {
        assertThat(stored.get("s:own-" + t)).isEqualTo(PUTS);
      }
      int lastShared = stored.get("s:shared");
      assertThat(lastShared % 1_000_000).isEqualTo(PUTS);
      assertThat(writer.get("shared")).isEqualTo(lastShared);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(watcher.get("shared")).isEqualTo(lastShared);
        for (int t = 0; t < THREADS; t++) {
          assertThat(watcher.get("own-" + t)).isEqualTo(PUTS);
        }
      });
    }
  }

  private static Map<String, Integer> stored(Nodes nodes) throws Exception {
    Map<String, Integer> values = new HashMap<>();
    try (Connection c = DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(),
        nodes.password());
        PreparedStatement ps = c.prepareStatement(
            "select key, value from pgjcache_entries where cache = 'c' and value is not null");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byte[] bytes = rs.getBytes(2);
        values.put(rs.getString(1), java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt());
      }
    }
    return values;
  }
}
