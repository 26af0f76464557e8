package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.execute;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.rev;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;
import static org.pgjcache.sync.SyncFixtures.update;

import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;

/**
 * When the database goes back in time while nodes run (a restored backup, a restarted sequence, a
 * failover to a replica that lacks the last changes), the replicas are ahead of it: the heartbeat
 * takes the database's word for every key that differs, in either direction, and later writes are
 * applied again.
 */
class RewoundDatabaseTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void bothNodesConvergeOnAnOlderDatabaseAndKeepApplyingWrites() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("rewound")) {
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
      for (int i = 0; i < 200; i++) {
        a.put("filler" + i, "f");
      }
      a.put("k1", "v1");
      a.put("k2", "v2");
      a.put("old", "from the backup");
      await().atMost(WAIT).until(() -> heard.size() == 203);
      long filler7 = rev(nodes, "filler7");
      long repairedA = sync(am).repairedEntries();
      long repairedB = sync(bm).repairedEntries();

      // the backup: k1 held an older value at an older revision, k2 did not exist yet, k4 did
      assertThat(
              update(
                  nodes,
                  "update pgjcache_entries set value = (select value from"
                      + " pgjcache_entries where key = 's:old'), rev = 3 where key = 's:k1'"))
          .isEqualTo(1);
      assertThat(update(nodes, "delete from pgjcache_entries where key = 's:k2'")).isEqualTo(1);
      assertThat(
              update(
                  nodes,
                  "insert into pgjcache_entries (cache, key, value, rev) select cache,"
                      + " 's:k4', value, 4 from pgjcache_entries where key = 's:old'"))
          .isEqualTo(1);
      execute(nodes, "alter sequence pgjcache_entries_rev restart with 5");

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                for (Cache<String, String> node : java.util.List.of(a, b)) {
                  assertThat(node.get("k1")).isEqualTo("from the backup");
                  assertThat(node.get("k2")).isNull();
                  assertThat(node.get("k4")).isEqualTo("from the backup");
                }
              });
      assertThat(heard.events())
          .contains(
              new Event(EventType.UPDATED, "k1", "from the backup", "v1"),
              new Event(EventType.REMOVED, "k2", "v2", "v2"),
              new Event(EventType.CREATED, "k4", "from the backup", null));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(sync(am).repairedEntries() - repairedA).isGreaterThanOrEqualTo(3);
                assertThat(sync(bm).repairedEntries() - repairedB).isGreaterThanOrEqualTo(3);
                assertThat(sync(bm).matched()).isTrue();
              });

      // writes after the rewind: a key written before it, one rewound, a new one
      int before = heard.size();
      a.put("filler7", "after");
      a.put("k1", "after");
      a.put("k5", "new");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("filler7")).isEqualTo("after");
                assertThat(b.get("k1")).isEqualTo("after");
                assertThat(b.get("k5")).isEqualTo("new");
                assertThat(heard.size()).isEqualTo(before + 3);
              });
      assertThat(rev(nodes, "filler7"))
          .as("a key's revision never goes back")
          .isGreaterThan(filler7);
    }
  }
}
