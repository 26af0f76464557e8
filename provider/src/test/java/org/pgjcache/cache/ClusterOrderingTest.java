package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgjcache.support.EventLog;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;
import org.pgjcache.support.RecordingWriter;
import org.pgjcache.support.Workers;

/**
 * Ordering and visibility across three nodes: read-your-writes on the writing node, revisions that
 * never go backwards and events in revision order on every node, {@code clear()} versus {@code
 * removeAll()}, and what {@code destroyCache} does to other nodes' open handles.
 */
class ClusterOrderingTest {

  private static final Duration RUN_LIMIT = Duration.ofMinutes(2);
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final List<String> NAMES = List.of("A", "B", "C");

  private static Properties settings(Nodes nodes) {
    Properties p = nodes.properties();
    p.setProperty("pgjcache.pool-size", "4");
    p.setProperty("pgjcache.reconnect-interval", "100ms");
    return p;
  }

  private static <V> List<Cache<String, V>> open(
      Nodes nodes, String cache, MutableConfiguration<String, V> configuration) {
    List<Cache<String, V>> caches = new ArrayList<>();
    for (String name : NAMES) {
      caches.add(
          nodes
              .node(name, settings(nodes))
              .createCache(cache, new MutableConfiguration<>(configuration)));
    }
    return caches;
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  @Test
  void everyNodeReadsItsOwnWritesAtOnce() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("ryw");
        Workers workers = new Workers()) {
      List<Cache<String, String>> caches = open(nodes, "ryw", strings());
      AtomicLong checks = new AtomicLong();
      for (int n = 0; n < caches.size(); n++) {
        Cache<String, String> cache = caches.get(n);
        for (int t = 0; t < 2; t++) {
          String key = NAMES.get(n) + t;
          workers.add(
              () -> {
                for (int i = 0; i < 300; i++) {
                  String value = key + "-" + i;
                  if (i % 3 == 0) {
                    cache.put(key, value);
                  } else if (i % 3 == 1) {
                    assertThat(cache.getAndPut(key, value)).isEqualTo(key + "-" + (i - 1));
                  } else {
                    assertThat(cache.replace(key, key + "-" + (i - 1), value)).isTrue();
                  }
                  assertThat(cache.get(key)).as("read after write").isEqualTo(value);
                  if (i % 50 == 49) {
                    assertThat(cache.remove(key)).isTrue();
                    assertThat(cache.get(key)).as("read after remove").isNull();
                    assertThat(cache.containsKey(key)).isFalse();
                    cache.put(key, value);
                  }
                  checks.incrementAndGet();
                }
              });
        }
      }
      workers.start();
      workers.join(RUN_LIMIT);
      assertThat(checks.get()).isEqualTo(3 * 2 * 300);
    }
  }

  @ParameterizedTest(name = "LISTEN of node C killed mid-run: {0}")
  @ValueSource(booleans = {false, true})
  void revisionsNeverGoBackwardsAndEventsComeInRevisionOrder(boolean killListen) throws Exception {
    int perWriter = 1500;
    int total = 2 * perWriter;
    try (Nodes nodes = Nodes.freshDatabase("order");
        Workers workers = new Workers()) {
      List<Cache<String, Long>> caches =
          open(
              nodes,
              "order",
              new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
      List<EventLog<String, Long>> async = new ArrayList<>();
      List<EventLog<String, Long>> sync = new ArrayList<>();
      for (Cache<String, Long> cache : caches) {
        async.add(EventLog.on(cache, System::currentTimeMillis, false));
        sync.add(EventLog.on(cache, System::currentTimeMillis, true));
      }
      AtomicLong done = new AtomicLong();
      AtomicInteger writersLeft = new AtomicInteger(2);
      AtomicInteger backwards = new AtomicInteger();
      for (Cache<String, Long> writer : caches.subList(0, 2)) {
        workers.add(
            () -> {
              try {
                for (int i = 0; i < perWriter; i++) {
                  writer.invoke("seq", Counters.INCREMENT);
                  done.incrementAndGet();
                }
              } finally {
                writersLeft.decrementAndGet();
              }
            });
      }
      for (Cache<String, Long> reader : caches) {
        workers.add(
            () -> {
              long last = 0;
              while (writersLeft.get() > 0) {
                Long seen = reader.get("seq");
                long now = seen == null ? 0 : seen;
                if (now < last) {
                  backwards.incrementAndGet();
                }
                last = Math.max(last, now);
                LockSupport.parkNanos(100_000);
              }
            });
      }
      workers.start();
      if (killListen) {
        await().atMost(RUN_LIMIT).until(() -> done.get() >= total / 3);
        CacheManager c = caches.get(2).getCacheManager();
        ListenKiller.awaitRelisten(c, ListenKiller.kill(nodes, c), CONVERGE);
      }
      workers.join(RUN_LIMIT);

      assertThat(backwards.get()).as("reads that went backwards").isZero();
      for (int n = 0; n < caches.size(); n++) {
        Cache<String, Long> cache = caches.get(n);
        await().atMost(CONVERGE).until(() -> Long.valueOf(total).equals(cache.get("seq")));
        for (EventLog<String, Long> log : List.of(async.get(n), sync.get(n))) {
          String kind = log == sync.get(n) ? "synchronous" : "asynchronous";
          await()
              .atMost(CONVERGE)
              .until(
                  () -> {
                    List<Long> values = log.valuesOf("seq");
                    return !values.isEmpty() && values.get(values.size() - 1) == total;
                  });
          List<Long> values = log.valuesOf("seq");
          for (int i = 1; i < values.size(); i++) {
            assertThat(values.get(i))
                .as("node %s, %s listener, event %d", NAMES.get(n), kind, i)
                .isGreaterThan(values.get(i - 1));
          }
        }
      }
    }
  }

  @Test
  void clearIsSilentEverywhereAndRemoveAllRaisesEventsEverywhereAndWritesOnce() {
    try (Nodes nodes = Nodes.freshDatabase("clear")) {
      List<Cache<String, String>> caches = new ArrayList<>();
      List<RecordingWriter> writers = new ArrayList<>();
      List<EventLog<String, String>> logs = new ArrayList<>();
      for (String name : NAMES) {
        RecordingWriter writer = new RecordingWriter();
        Cache<String, String> cache =
            nodes.node(name, settings(nodes)).createCache("clear", writer.on(strings()));
        caches.add(cache);
        writers.add(writer);
        logs.add(EventLog.on(cache, System::currentTimeMillis, false));
      }
      Map<String, String> entries = new LinkedHashMap<>();
      for (int i = 0; i < 10; i++) {
        entries.put("k" + i, "v" + i);
      }
      Cache<String, String> a = caches.get(0);
      a.putAll(entries);
      awaitEveryNodeHolds(caches, entries);

      caches.get(1).clear();
      for (Cache<String, String> cache : caches) {
        await().atMost(CONVERGE).until(() -> !cache.iterator().hasNext());
      }
      a.putAll(entries);
      awaitEveryNodeHolds(caches, entries);
      for (int n = 0; n < caches.size(); n++) {
        assertThat(logs.get(n).count(EventType.REMOVED))
            .as("REMOVED after clear() on %s", NAMES.get(n))
            .isZero();
        assertThat(logs.get(n).count(EventType.EXPIRED)).isZero();
        assertThat(logs.get(n).count(EventType.CREATED))
            .as("CREATED on %s", NAMES.get(n))
            .isEqualTo(20);
        assertThat(writers.get(n).deleted())
            .as("writer deletes after clear() on %s", NAMES.get(n))
            .isEmpty();
      }

      caches.get(2).removeAll();
      for (int n = 0; n < caches.size(); n++) {
        EventLog<String, String> log = logs.get(n);
        await().atMost(CONVERGE).until(() -> log.count(EventType.REMOVED) == entries.size());
        assertThat(log.countsByKey(EventType.REMOVED).values()).containsOnly(1);
        assertThat(caches.get(n).iterator().hasNext()).isFalse();
      }
      assertThat(writers.get(2).deleted()).containsExactlyInAnyOrderElementsOf(entries.keySet());
      assertThat(writers.get(0).deleted()).isEmpty();
      assertThat(writers.get(1).deleted()).isEmpty();
      assertThat(writers.get(0).written()).hasSize(20);
    }
  }

  private static void awaitEveryNodeHolds(
      List<Cache<String, String>> caches, Map<String, String> entries) {
    for (Cache<String, String> cache : caches) {
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                for (Map.Entry<String, String> e : entries.entrySet()) {
                  assertThat(cache.get(e.getKey())).isEqualTo(e.getValue());
                }
              });
    }
  }

  @Test
  void removeAllRemovesEntriesThisNodeHasNotHeardOf() {
    try (Nodes nodes = Nodes.freshDatabase("remove-all")) {
      Cache<String, String> a = nodes.node("A", settings(nodes)).createCache("r", strings());
      EventLog<String, String> heardOnA = EventLog.on(a, System::currentTimeMillis, false);
      Properties deaf = settings(nodes);
      deaf.setProperty("pgjcache.notifications", "false");
      RecordingWriter writer = new RecordingWriter();
      Cache<String, String> b = nodes.node("B", deaf).createCache("r", writer.on(strings()));
      a.put("x", "1");
      a.put("y", "2");
      assertThat(b.containsKey("x")).as("B listens to nothing").isFalse();

      b.removeAll();

      assertThat(writer.deleted()).containsExactlyInAnyOrder("x", "y");
      await().atMost(CONVERGE).until(() -> heardOnA.count(EventType.REMOVED) == 2);
      assertThat(a.get("x")).isNull();
      assertThat(a.get("y")).isNull();
    }
  }

  @Test
  void destroyCacheEmptiesEveryNodeWhoseHandlesStayOpenAndUsable() {
    try (Nodes nodes = Nodes.freshDatabase("destroy")) {
      CacheManager managerA = nodes.node("A", settings(nodes));
      Cache<String, String> a = managerA.createCache("d", strings());
      Cache<String, String> b = nodes.node("B", settings(nodes)).createCache("d", strings());
      EventLog<String, String> heardOnB = EventLog.on(b, System::currentTimeMillis, false);
      a.put("old", "1");
      await().atMost(CONVERGE).until(() -> "1".equals(b.get("old")));

      managerA.destroyCache("d");

      assertThat(a.isClosed()).isTrue();
      await().atMost(CONVERGE).until(() -> !b.containsKey("old"));
      assertThat(b.isClosed()).isFalse();
      assertThat(b.get("old")).isNull();
      b.put("new", "2");
      assertThat(b.get("new")).isEqualTo("2");
      assertThat(heardOnB.count(EventType.REMOVED)).as("destroy raises no events").isZero();
      assertThat(heardOnB.count(EventType.EXPIRED)).isZero();

      Cache<String, String> again = managerA.createCache("d", strings());
      assertThat(again.get("old")).isNull();
      assertThat(again.get("new")).isEqualTo("2");
    }
  }
}
