package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.update;

import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.pgjcache.cache.PgCache;
import org.pgjcache.support.Nodes;

/**
 * A bounded cache costs what it holds: it attaches to a table of 50,000 rows without reading them,
 * and its heartbeat repairs what it holds from a query over the held keys only.
 *
 * <p>Rows read are counted without a clock: the 50,000 rows are stored under keys that cannot be
 * decoded, so every row an attach reads is counted as skipped ({@link PgCache#skippedChanges()}); a
 * full cache opened over the same table counts all of them, a bounded one none.
 */
class BoundedAttachTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int ROWS = 50_000;

  @Test
  void aBoundedCacheAttachesWithoutReadingTheTable() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("bounded_attach")) {
      Cache<String, String> seed = nodes.node("seed").createCache("big", strings());
      seed.put("good", "value");
      assertThat(
              update(
                  nodes,
                  "insert into pgjcache_entries (cache, key, value, rev)"
                      + " select 'big', 'undecodable-' || g, (select value from pgjcache_entries"
                      + " where key = 's:good'), nextval('pgjcache_entries_rev')"
                      + " from generate_series(1, "
                      + ROWS
                      + ") g"))
          .isEqualTo(ROWS);

      Properties bounded = fast(nodes, "bounded");
      bounded.setProperty("pgjcache.caches.big.max-entries", "100");
      // declared, so the manager opens it as it opens
      Cache<Object, Object> b = nodes.node("bounded", bounded).getCache("big");
      PgCache<?, ?> pb = b.unwrap(PgCache.class);
      assertThat(pb.skippedChanges()).as("rows read by the bounded attach").isZero();
      assertThat(pb.localTier().size()).isZero();
      assertThat(b.get("good")).isEqualTo("value");
      assertThat(pb.localTier().size()).isEqualTo(1);

      Cache<String, String> full = nodes.node("full").createCache("big", strings());
      assertThat(full.unwrap(PgCache.class).skippedChanges())
          .as("rows read by a full attach")
          .isEqualTo(ROWS);
    }
  }

  @Test
  void theHeartbeatRepairsHeldKeysFromTheDatabase() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("bounded_repair")) {
      Cache<String, String> a = nodes.node("a", fast(nodes, "a")).createCache("c", strings());
      Properties bounded = fast(nodes, "b");
      bounded.setProperty("pgjcache.max-entries", "10");
      CacheManager bm = nodes.node("b", bounded);
      Cache<String, String> b = bm.createCache("c", strings());
      a.put("held", "v1");
      a.put("absent-then-set", "x");
      a.remove("absent-then-set");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("held")).isEqualTo("v1");
                assertThat(b.get("absent-then-set")).isNull(); // once b has heard a's removal
              });
      long before = SyncFixtures.sync(bm).keysCompared();
      // changed behind the cluster's back: no notification reaches b
      assertThat(
              update(
                  nodes,
                  "update pgjcache_entries set value = (select value from"
                      + " pgjcache_entries where key = 's:held'), rev = nextval('pgjcache_entries_rev')"
                      + " where key = 's:held'"))
          .isEqualTo(1);
      a.put("other", "v2");
      assertThat(
              update(
                  nodes,
                  "update pgjcache_entries set value = (select value from"
                      + " pgjcache_entries where key = 's:other'), rev = nextval('pgjcache_entries_rev')"
                      + " where key = 's:absent-then-set'"))
          .isEqualTo(1);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("absent-then-set")).isEqualTo("v2");
                assertThat(SyncFixtures.sync(bm).keysCompared()).isGreaterThan(before);
              });
      assertThat(SyncFixtures.sync(bm).repairedEntries()).isGreaterThan(0);
      // the comparison reads only what b holds, never the table
      assertThat(SyncFixtures.sync(bm).rowsRead())
          .isLessThanOrEqualTo(
              b.unwrap(PgCache.class).localTier().maxEntries()
                  * SyncFixtures.sync(bm).heartbeats());
    }
  }
}
