package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.backend;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.query;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;
import static org.pgjcache.sync.SyncFixtures.update;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.event.EventType;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.postgres.LostNotifications;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;

/**
 * A node that missed notifications, or whose rows were edited behind pgjcache's back, is repaired
 * by the next heartbeat, which reads only the rows that differ.
 */
class HeartbeatRepairTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int ENTRIES = 1000;

  private static Map<String, String> entries() {
    Map<String, String> all = new TreeMap<>();
    for (int i = 0; i < ENTRIES; i++) {
      all.put("k" + i, "v" + i);
    }
    return all;
  }

  @Test
  void theNextHeartbeatRepairsMissedAndDirectChangesReadingOnlyTheRowsThatDiffer()
      throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("heartbeat")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
      Cache<String, String> a = am.createCache("c", strings());
      Recorder heard = new Recorder();
      Cache<String, String> b =
          bm.createCache("c", strings().addCacheEntryListenerConfiguration(heard.configuration()));
      a.putAll(entries());
      await().atMost(WAIT).until(() -> heard.size() == ENTRIES);
      sync(bm).heartbeatNow();
      assertThat(sync(bm).matched()).isTrue();
      assertThat(sync(bm).caches().get("c")).isEqualTo(sync(am).caches().get("c"));
      assertThat(sync(bm).caches().get("c").count()).isEqualTo(ENTRIES);
      long rowsBefore = sync(bm).rowsRead();
      long repairedBefore = sync(bm).repairedEntries();

      LostNotifications.drop(bm, true);
      a.put("k1", "changed");
      a.put("fresh", "new");
      assertThat(
              update(
                  nodes,
                  "update pgjcache_entries set value = (select value from"
                      + " pgjcache_entries where key = 's:k9') where key = 's:k2'"))
          .isEqualTo(1);
      assertThat(update(nodes, "delete from pgjcache_entries where key = 's:k3'")).isEqualTo(1);

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("k1")).isEqualTo("changed");
                assertThat(b.get("fresh")).isEqualTo("new");
                assertThat(b.get("k2")).isEqualTo("v9");
                assertThat(b.get("k3")).isNull();
                assertThat(heard.size()).isEqualTo(ENTRIES + 4);
              });
      assertThat(heard.events().subList(ENTRIES, ENTRIES + 4))
          .containsExactlyInAnyOrder(
              new Event(EventType.UPDATED, "k1", "changed", "v1"),
              new Event(EventType.CREATED, "fresh", "new", null),
              new Event(EventType.UPDATED, "k2", "v9", "v2"),
              new Event(EventType.REMOVED, "k3", "v3", "v3"));
      long rowsRead = sync(bm).rowsRead() - rowsBefore;
      System.out.printf(
          "heartbeat repair on node-b: %d of %d entries changed, rows read %d,"
              + " entries repaired %d%n",
          4, ENTRIES + 1, rowsRead, sync(bm).repairedEntries() - repairedBefore);
      assertThat(rowsRead).as("rows read by the repair").isEqualTo(3);
      assertThat(sync(bm).repairedEntries() - repairedBefore).isEqualTo(4);
      assertThat(sync(bm).lastRepair()).isNotNull();

      // node a saw its own puts but not the SQL edits: its heartbeat repairs those two as well
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(a.get("k2")).isEqualTo("v9");
                assertThat(a.get("k3")).isNull();
              });
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                sync(bm).heartbeatNow();
                assertThat(sync(bm).matched()).isTrue();
                assertThat(sync(am).caches()).isEqualTo(sync(bm).caches());
              });
      LostNotifications.drop(bm, false);
    }
  }

  @Test
  void theNodeTableAndTheMxBeanShowEveryLiveNodeAndForgetClosedOnes() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try (Nodes nodes = Nodes.freshDatabase("nodetable")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
      Cache<String, String> a = am.createCache("c", strings());
      bm.createCache("c", strings());
      bm.createCache("d", strings());
      a.put("x", "1");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                List<List<Object>> rows =
                    query(
                        nodes,
                        "select name, caches, matched from"
                            + " pgjcache_entries_nodes order by name");
                assertThat(rows)
                    .containsExactly(List.of("node-a", 1, true), List.of("node-b", 2, true));
              });
      assertThat(query(nodes, "select node from pgjcache_entries_nodes where name = 'node-b'"))
          .containsExactly(List.of(sync(bm).nodeId()));

      ObjectName name =
          new ObjectName(
              "org.pgjcache:type=Sync,node=node-b,id=" + sync(bm).nodeId().substring(0, 8));
      assertThat(server.isRegistered(name)).isTrue();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                @SuppressWarnings("unchecked")
                Map<String, Long> counts = toMap(server.getAttribute(name, "EntryCounts"));
                assertThat(counts).containsEntry("c", 1L).containsEntry("d", 0L);
              });
      assertThat(server.getAttribute(name, "Matched")).isEqualTo(true);
      assertThat((Long) server.getAttribute(name, "Heartbeats")).isPositive();
      assertThat(
              server.invoke(
                  name, "checksum", new Object[] {"c"}, new String[] {String.class.getName()}))
          .isEqualTo(sync(am).caches().get("c").checksum());

      bm.close();
      assertThat(server.isRegistered(name)).isFalse();
      assertThat(query(nodes, "select name from pgjcache_entries_nodes"))
          .containsExactly(List.of("node-a"));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> toMap(Object tabular) {
    Map<String, Long> map = new TreeMap<>();
    for (Object row : ((TabularData) tabular).values()) {
      CompositeData data = (CompositeData) row;
      map.put((String) data.get("key"), (Long) data.get("value"));
    }
    return map;
  }

  @Test
  void withNotificationsOffTheHeartbeatAloneKeepsANodeInSync() {
    try (Nodes nodes = Nodes.freshDatabase("nonotify")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      Properties quiet = fast(nodes, "node-b");
      quiet.setProperty("pgjcache.notifications", "false");
      CacheManager bm = nodes.node("b", quiet);
      Cache<String, String> a = am.createCache("c", strings());
      Recorder heard = new Recorder();
      Cache<String, String> b =
          bm.createCache("c", strings().addCacheEntryListenerConfiguration(heard.configuration()));
      assertThat(backend(bm).listenerPid()).isEqualTo(-1);
      a.put("x", "1");
      a.put("y", "2");
      await().atMost(WAIT).until(() -> heard.size() == 2);
      a.put("x", "3");
      a.remove("y");
      await().atMost(WAIT).until(() -> heard.size() == 4);
      assertThat(heard.events())
          .containsExactlyInAnyOrder(
              new Event(EventType.CREATED, "x", "1", null),
              new Event(EventType.CREATED, "y", "2", null),
              new Event(EventType.UPDATED, "x", "3", "1"),
              new Event(EventType.REMOVED, "y", "2", "2"));
      assertThat(b.get("x")).isEqualTo("3");
    }
  }

  @Test
  void withoutSyncOnMismatchTheHeartbeatReportsButDoesNotRepair() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("nosync")) {
      Properties p = fast(nodes, "node-a");
      p.setProperty("pgjcache.sync-on-mismatch", "false");
      CacheManager am = nodes.node("a", p);
      Cache<String, String> a = am.createCache("c", strings());
      a.put("x", "1");
      sync(am).heartbeatNow();
      long heartbeats = sync(am).heartbeats();
      assertThat(sync(am).matched()).isTrue();

      update(
          nodes,
          "update pgjcache_entries set value = (select value from pgjcache_entries"
              + " where key = 's:x') || '' where key = 's:x'");
      update(nodes, "delete from pgjcache_entries where key = 's:x'");
      await().atMost(WAIT).until(() -> sync(am).heartbeats() > heartbeats + 1);
      assertThat(sync(am).matched()).isFalse();
      assertThat(a.get("x")).isEqualTo("1");
      assertThat(sync(am).repairedEntries()).isZero();
    }
  }
}
