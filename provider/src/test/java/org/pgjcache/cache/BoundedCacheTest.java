package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.pgjcache.store.Replica;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder;
import org.pgjcache.sync.Recorder.Event;

/**
 * A cache with {@code max-entries} behaves as one holding everything: node b holds at most three
 * entries of a cache node a fills, and still reads every value, hears every change, iterates and
 * removes the whole cache.
 */
class BoundedCacheTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int BOUND = 3;

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private static CacheManager bounded(Nodes nodes, String name) {
    Properties p = nodes.properties();
    p.setProperty("pgjcache.max-entries", Integer.toString(BOUND));
    return nodes.node(name, p);
  }

  private static Replica.TierStats tier(Cache<String, String> cache) {
    return cache.unwrap(PgCache.class).core().replica.tierStats();
  }

  @Test
  void updatesFromAnotherNodeAreSeenAndHeardWhetherTheKeyIsHeldOrNot() {
    try (Nodes nodes = Nodes.freshDatabase("bounded_events")) {
      Cache<String, String> a = nodes.node("a").createCache("c", config());
      Recorder heard = new Recorder();
      Cache<String, String> b =
          bounded(nodes, "b")
              .createCache("c", config().addCacheEntryListenerConfiguration(heard.configuration()));
      assertThat(tier(b).maxEntries()).isEqualTo(BOUND);
      for (int i = 0; i < 10; i++) {
        a.put("k" + i, "v" + i);
      }
      await().atMost(WAIT).until(() -> heard.size() == 10);
      for (int i = 0; i < 10; i++) {
        assertThat(heard.events("k" + i))
            .containsExactly(new Event(EventType.CREATED, "k" + i, "v" + i, null));
        assertThat(b.get("k" + i)).isEqualTo("v" + i);
      }
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(tier(b).size()).isLessThanOrEqualTo(BOUND));

      // a key b holds: the update is heard with its old value
      assertThat(b.get("k9")).isEqualTo("v9");
      a.put("k9", "v9'");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(heard.events("k9"))
                      .contains(new Event(EventType.UPDATED, "k9", "v9'", "v9")));
      assertThat(b.get("k9")).isEqualTo("v9'");

      // keys b does not hold (any more): every change is seen and heard
      a.put("k0", "v0'");
      a.remove("k1");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(heard.events("k0")).hasSize(2);
                assertThat(heard.events("k0").get(1).value()).isEqualTo("v0'");
                assertThat(heard.events("k1")).hasSize(2);
                assertThat(heard.events("k1").get(1).type()).isEqualTo(EventType.REMOVED);
              });
      assertThat(b.get("k0")).isEqualTo("v0'");
      assertThat(b.get("k1")).isNull();
      assertThat(b.containsKey("k1")).isFalse();
      assertThat(b.containsKey("k2")).isTrue();
    }
  }

  @Test
  void changesToKeysNotHeldAreHeardWithTheirOldValuesAsWithAFullReplica() {
    try (Nodes nodes = Nodes.freshDatabase("bounded_old_values")) {
      CacheManager am = nodes.node("a");
      Cache<String, String> a = am.createCache("c", config());
      Cache<String, String> ae =
          am.createCache(
              "e",
              config()
                  .setExpiryPolicyFactory(
                      CreatedExpiryPolicy.factoryOf(
                          new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 1500))));
      String large = "x".repeat(20_000);
      Map<String, String> before = new LinkedHashMap<>();
      for (String k :
          List.of("put", "remove", "batch1", "batch2", "gone1", "gone2", "replace", "large")) {
        before.put(k, "old " + k);
      }
      before.put("large-old", large);
      a.putAll(before);
      // b attaches after the keys exist: a bounded replica holds none of them
      Recorder heard = new Recorder();
      Recorder expired = new Recorder();
      CacheManager bm = bounded(nodes, "b");
      Cache<String, String> b =
          bm.createCache("c", config().addCacheEntryListenerConfiguration(heard.configuration()));
      Cache<String, String> be =
          bm.createCache("e", config().addCacheEntryListenerConfiguration(expired.configuration()));
      assertThat(tier(b).size()).isZero();

      a.put("put", "new put");
      a.remove("remove");
      a.putAll(Map.of("batch1", "new batch1", "batch2", "new batch2"));
      a.removeAll(Set.of("gone1", "gone2"));
      assertThat(a.replace("replace", "old replace", "new replace")).isTrue();
      a.put("large", large);
      a.put("large-old", "small now");
      a.put("fresh", "created");
      ae.put("soon", "expiring");

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(kinds(heard, "put")).containsExactly(EventType.UPDATED + " old put");
                assertThat(kinds(heard, "remove"))
                    .containsExactly(EventType.REMOVED + " old remove");
                assertThat(kinds(heard, "batch1"))
                    .containsExactly(EventType.UPDATED + " old batch1");
                assertThat(kinds(heard, "batch2"))
                    .containsExactly(EventType.UPDATED + " old batch2");
                assertThat(kinds(heard, "gone1")).containsExactly(EventType.REMOVED + " old gone1");
                assertThat(kinds(heard, "gone2")).containsExactly(EventType.REMOVED + " old gone2");
                assertThat(kinds(heard, "replace"))
                    .containsExactly(EventType.UPDATED + " old replace");
                assertThat(kinds(heard, "large")).containsExactly(EventType.UPDATED + " old large");
                assertThat(kinds(heard, "large-old"))
                    .containsExactly(EventType.UPDATED + " " + large);
                assertThat(kinds(heard, "fresh")).containsExactly(EventType.CREATED + " null");
                assertThat(heard.events("large").get(0).value()).isEqualTo(large);
              });
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(kinds(expired, "soon"))
                      .containsExactly(
                          EventType.CREATED + " null", EventType.EXPIRED + " expiring"));
      assertThat(b.get("put")).isEqualTo("new put");
      assertThat(be.get("soon")).isNull();
    }
  }

  /** What a recorder heard of a key: each event's type and old value. */
  private static List<String> kinds(Recorder heard, String key) {
    return heard.events(key).stream().map(e -> e.type() + " " + e.old()).toList();
  }

  @Test
  void evictionKeepsTheBoundAndAReadAfterEvictionReturnsTheDatabaseValue() {
    try (Nodes nodes = Nodes.freshDatabase("bounded_evict")) {
      Cache<String, String> a = nodes.node("a").createCache("c", config());
      Cache<String, String> b =
          bounded(nodes, "b").createCache("c", config().setStatisticsEnabled(true));
      for (int i = 0; i < 100; i++) {
        b.put("k" + i, "v" + i);
        assertThat(tier(b).size()).isLessThanOrEqualTo(BOUND);
      }
      assertThat(tier(b).evictions()).isGreaterThan(0);
      assertThat(tier(b).misses())
          .as("no listener, eternal: a put of a cold key reads nothing")
          .isZero();
      for (int i = 0; i < 100; i++) {
        assertThat(b.get("k" + i)).isEqualTo("v" + i);
        assertThat(a.get("k" + i)).isEqualTo("v" + i);
      }
      assertThat(tier(b).size()).isLessThanOrEqualTo(BOUND);
      assertThat(tier(b).misses()).isGreaterThan(0);
      // a value found in the database is a hit, an absent key a miss
      assertThat(b.get("absent")).isNull();
      PgCache<?, ?> pg = b.unwrap(PgCache.class);
      assertThat(pg.statistics().getCacheHits()).isEqualTo(100);
      assertThat(pg.statistics().getCacheMisses()).isEqualTo(1);
    }
  }

  @Test
  void iterationGetAllAndRemoveAllCoverACacheLargerThanTheBound() {
    try (Nodes nodes = Nodes.freshDatabase("bounded_iterate")) {
      Cache<String, String> a = nodes.node("a").createCache("c", config());
      Recorder heard = new Recorder();
      Cache<String, String> b = bounded(nodes, "b").createCache("c", config());
      Map<String, String> all = new LinkedHashMap<>();
      for (int i = 0; i < 2_500; i++) {
        all.put("k" + i, "v" + i);
      }
      a.putAll(all);
      Map<String, String> iterated = new HashMap<>();
      for (Cache.Entry<String, String> e : b) {
        assertThat(iterated.put(e.getKey(), e.getValue())).as("once each").isNull();
      }
      assertThat(iterated).isEqualTo(all);
      // a's 2,500 creations may still be arriving, each held on arrival: Caffeine evicts as it
      // goes,
      // and over the bound by at most its write buffer for a moment
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(tier(b).size()).isLessThanOrEqualTo(BOUND));

      Set<String> some = new HashSet<>(List.of("k1", "k2", "k3", "k4", "k5", "nope"));
      Map<String, String> got = b.getAll(some);
      assertThat(got).hasSize(5).containsEntry("k5", "v5").doesNotContainKey("nope");

      b.registerCacheEntryListener(heard.configuration());
      b.removeAll();
      // (creations of a's putAll may still be arriving: count the removals)
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          heard.events().stream()
                              .filter(e -> e.type() == EventType.REMOVED)
                              .count())
                      .isEqualTo(2_500));
      assertThat(heard.events("k7")).endsWith(new Event(EventType.REMOVED, "k7", "v7", "v7"));
      assertThat(a.iterator().hasNext()).isFalse();
      assertThat(b.iterator().hasNext()).isFalse();
      assertThat(b.get("k7")).isNull();
    }
  }

  @Test
  void aReadThroughRacingRemoteUpdatesEndsWithTheLastValue() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("bounded_race")) {
      Cache<String, String> a = nodes.node("a").createCache("c", config());
      Cache<String, String> b = bounded(nodes, "b").createCache("c", config());
      ExecutorService readers = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 50; round++) {
          String key = "r" + round;
          a.put(key, "0");
          Future<?> reading =
              readers.submit(
                  () -> {
                    for (int i = 0; i < 20; i++) {
                      b.get(key);
                      b.get("other" + i); // pushes the key out of the tier now and then
                    }
                  });
          for (int i = 1; i <= 5; i++) {
            a.put(key, Integer.toString(i));
          }
          reading.get(30, TimeUnit.SECONDS);
          await().atMost(WAIT).until(() -> "5".equals(b.get(key)));
        }
      } finally {
        readers.shutdownNow();
      }
    }
  }

  @Test
  void clearAndClosedDeclarationsWork() {
    try (Nodes nodes = Nodes.freshDatabase("bounded_clear")) {
      Cache<String, String> a = nodes.node("a").createCache("c", config());
      Cache<String, String> b = bounded(nodes, "b").createCache("c", config());
      for (int i = 0; i < 10; i++) {
        b.put("k" + i, "v" + i);
      }
      assertThat(b.get("k9")).isEqualTo("v9");
      a.clear();
      await().atMost(WAIT).untilAsserted(() -> assertThat(b.get("k9")).isNull());
      assertThat(b.get("k0")).isNull();
      assertThat(b.iterator().hasNext()).isFalse();
    }
  }
}
