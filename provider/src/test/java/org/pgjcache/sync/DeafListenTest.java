package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.query;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.postgres.LostNotifications;
import org.pgjcache.support.Nodes;

/**
 * A LISTEN connection that is open but hears nothing (what PgBouncer in transaction mode makes of
 * it) is found by the node's probe — a notification it sends itself on start and at each heartbeat
 * — and reported: not listening in its status, its MXBean and its node-table row, with an error
 * naming {@code pgjcache.listen-jdbc-url}; once notifications come back, it is listening again.
 * Meanwhile the heartbeat still repairs its caches.
 */
class DeafListenTest {

  @Test
  void aNodeThatHearsNothingSaysSoAndRecoversWhenItHearsAgain() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("deaf")) {
      Properties p = fast(nodes, "deaf-node");
      p.setProperty("pgjcache.heartbeat-interval", "300ms");
      p.setProperty("pgjcache.statement-timeout", "1s");
      p.setProperty("pgjcache.connect-timeout", "1s");
      CacheManager deaf = nodes.node("deaf-node", p);
      CacheManager writer = nodes.node("writer", fast(nodes, "writer"));
      Cache<String, String> heard = deaf.createCache("c", new MutableConfiguration<>());
      Cache<String, String> written = writer.createCache("c", new MutableConfiguration<>());
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName bean =
          new ObjectName(
              "org.pgjcache:type=Sync,node=deaf-node,id=" + sync(deaf).nodeId().substring(0, 8));
      assertThat(sync(deaf).listenStatus().listening()).isTrue();
      assertThat(server.getAttribute(bean, "Listening")).isEqualTo(true);

      LostNotifications.drop(deaf, true);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(sync(deaf).listenStatus().listening()).isFalse();
                assertThat(server.getAttribute(bean, "Listening")).isEqualTo(false);
                assertThat((String) server.getAttribute(bean, "LastListenError"))
                    .contains("hears nothing")
                    .contains("pgjcache.listen-jdbc-url");
                assertThat(listeningColumn(nodes, "deaf-node")).isEqualTo(List.of(false));
              });
      written.put("while-deaf", "repaired by the heartbeat");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(heard.get("while-deaf")).isNotNull());

      LostNotifications.drop(deaf, false);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(sync(deaf).listenStatus().listening()).isTrue();
                assertThat(server.getAttribute(bean, "Listening")).isEqualTo(true);
                assertThat(listeningColumn(nodes, "deaf-node")).isEqualTo(List.of(true));
              });
      assertThat(sync(writer).listenStatus().listening()).isTrue();
    }
  }

  private static List<Object> listeningColumn(Nodes nodes, String name) throws Exception {
    return query(nodes, "select listening from pgjcache_entries_nodes where name = '" + name + "'")
        .stream()
        .map(row -> row.get(0))
        .toList();
  }
}
