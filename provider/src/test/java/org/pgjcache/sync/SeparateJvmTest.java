package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.ChildJvm;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;

/** Two nodes in two JVM processes on one database see each other's writes and events. */
class SeparateJvmTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void writesAndEventsCrossTheProcessBoundaryBothWays() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("twojvms")) {
      CacheManager here = nodes.node("here");
      Recorder heard = new Recorder();
      Cache<String, String> cache =
          here.createCache(
              "c",
              new MutableConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .addCacheEntryListenerConfiguration(heard.configuration()));
      try (ChildJvm remote =
          new ChildJvm(
              "remote-node",
              List.of(),
              RemoteNodeMain.class,
              List.of("c"),
              Map.of(
                  "SYNC_TEST_URL",
                  nodes.jdbcUrl(),
                  "SYNC_TEST_USER",
                  nodes.user(),
                  "SYNC_TEST_PASSWORD",
                  nodes.password() == null ? "" : nodes.password()))) {
        remote.expect("ready", WAIT);

        cache.put("x", "1");
        remote.expect("event CREATED x 1", WAIT);
        cache.put("x", "2");
        remote.expect("event UPDATED x 2", WAIT);

        remote.send("put y 3");
        remote.expect("ok", WAIT);
        await().atMost(WAIT).until(() -> "3".equals(cache.get("y")));
        remote.send("remove x");
        remote.expect("ok", WAIT);
        await().atMost(WAIT).until(() -> cache.get("x") == null);
        assertThat(heard.events())
            .containsExactly(
                new Event(EventType.CREATED, "x", "1", null),
                new Event(EventType.UPDATED, "x", "2", "1"),
                new Event(EventType.CREATED, "y", "3", null),
                new Event(EventType.REMOVED, "x", "2", "2"));

        cache.remove("y");
        remote.expect("event REMOVED y 3", WAIT);
        remote.send("get y");
        remote.expect("value y null", WAIT);
      }
    }
  }
}
