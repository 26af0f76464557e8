package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgjcache.support.EventLog;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;
import org.pgjcache.support.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Torture tests of the atomic operations on three nodes of one real PostgreSQL: each is decided by
 * the database under the key's lock, so no node's replica can make two nodes both win, lose an
 * update or return an old value twice. Every scenario also runs while node B's LISTEN connection is
 * terminated mid-run (B keeps operating through its pool, reconnects and reconciles).
 */
class ClusterAtomicityTest {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterAtomicityTest.class);
  private static final Duration RUN_LIMIT = Duration.ofMinutes(3);
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  private static Properties settings(Nodes nodes) {
    Properties p = nodes.properties();
    p.setProperty("pgjcache.pool-size", "5");
    p.setProperty("pgjcache.reconnect-interval", "100ms");
    return p;
  }

  private static <V> List<Cache<String, V>> open(Nodes nodes, String cache, Class<V> type) {
    List<Cache<String, V>> caches = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      CacheManager node = nodes.node(name, settings(nodes));
      caches.add(
          node.createCache(
              cache, new MutableConfiguration<String, V>().setTypes(String.class, type)));
    }
    return caches;
  }

  /** Terminates node B's LISTEN connection once {@code progress} reaches {@code at}. */
  private static void killListenOfB(Nodes nodes, Cache<?, ?> onB, AtomicLong progress, long at) {
    await().atMost(RUN_LIMIT).until(() -> progress.get() >= at);
    CacheManager b = onB.getCacheManager();
    int pid = ListenKiller.kill(nodes, b);
    LOG.info(
        "terminated node B's LISTEN connection (pid {}) after {} operations", pid, progress.get());
    ListenKiller.awaitRelisten(b, pid, CONVERGE);
  }

  @ParameterizedTest(name = "LISTEN of one node killed mid-run: {0}")
  @ValueSource(booleans = {false, true})
  void invokeIncrementsOfOneCounterFromThreeNodesAddUp(boolean killListen) throws Exception {
    int threadsPerNode = 4;
    int perThread = 2000;
    int total = 3 * threadsPerNode * perThread;
    try (Nodes nodes = Nodes.freshDatabase("counter");
        Workers workers = new Workers()) {
      List<Cache<String, Long>> caches = open(nodes, "counter", Long.class);
      List<EventLog<String, Long>> logs = new ArrayList<>();
      for (Cache<String, Long> cache : caches) {
        logs.add(EventLog.on(cache, System::currentTimeMillis, false));
      }
      AtomicLong done = new AtomicLong();
      AtomicIntegerArray returned = new AtomicIntegerArray(total + 1);
      AtomicInteger backwards = new AtomicInteger();
      AtomicInteger finished = new AtomicInteger();
      for (Cache<String, Long> cache : caches) {
        for (int t = 0; t < threadsPerNode; t++) {
          workers.add(
              () -> {
                try {
                  for (int i = 0; i < perThread; i++) {
                    long value = cache.invoke("n", Counters.INCREMENT);
                    returned.incrementAndGet((int) value);
                    done.incrementAndGet();
                  }
                } finally {
                  finished.incrementAndGet();
                }
              });
        }
        workers.add(
            () -> {
              long last = 0;
              while (finished.get() < 3 * threadsPerNode) {
                Long seen = cache.get("n");
                long now = seen == null ? 0 : seen;
                if (now < last) {
                  backwards.incrementAndGet();
                }
                last = Math.max(last, now);
                LockSupport.parkNanos(200_000);
              }
            });
      }
      long start = System.nanoTime();
      workers.start();
      if (killListen) {
        killListenOfB(nodes, caches.get(1), done, total / 3);
      }
      workers.join(RUN_LIMIT);
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(done.get()).isEqualTo(total);
      for (int v = 1; v <= total; v++) {
        assertThat(returned.get(v)).as("invocations that returned %d", v).isEqualTo(1);
      }
      for (Cache<String, Long> cache : caches) {
        await().atMost(CONVERGE).until(() -> Long.valueOf(total).equals(cache.get("n")));
      }
      assertThat(backwards.get()).as("reads that went backwards on some node").isZero();
      for (int i = 0; i < logs.size(); i++) {
        EventLog<String, Long> log = logs.get(i);
        await()
            .atMost(CONVERGE)
            .until(
                () -> {
                  List<Long> values = log.valuesOf("n");
                  return !values.isEmpty() && values.get(values.size() - 1) == total;
                });
        assertStrictlyIncreasing(log.valuesOf("n"), "events of node " + "abc".charAt(i));
        assertThat(log.count(EventType.CREATED)).isEqualTo(1);
      }
      LOG.info(
          "counter: {} invokes from 3 nodes x {} threads in {} ms; value {} on every node;"
              + " LISTEN killed: {}",
          total,
          threadsPerNode,
          millis,
          total,
          killListen);
    }
  }

  private static void assertStrictlyIncreasing(List<Long> values, String what) {
    for (int i = 1; i < values.size(); i++) {
      assertThat(values.get(i))
          .as("%s: event %d after %d", what, values.get(i), values.get(i - 1))
          .isGreaterThan(values.get(i - 1));
    }
  }

  @ParameterizedTest(name = "LISTEN of one node killed mid-run: {0}")
  @ValueSource(booleans = {false, true})
  void putIfAbsentRaceHasOneWinnerPerKeyAndLosersReadIt(boolean killListen) throws Exception {
    int keys = 1000;
    try (Nodes nodes = Nodes.freshDatabase("race");
        Workers workers = new Workers()) {
      List<Cache<String, String>> caches = open(nodes, "race", String.class);
      Map<String, Queue<String>> winners = new ConcurrentHashMap<>();
      Map<String, Queue<String>> loserReads = new ConcurrentHashMap<>();
      AtomicLong done = new AtomicLong();
      for (int n = 0; n < 3; n++) {
        Cache<String, String> cache = caches.get(n);
        String node = "node-" + "abc".charAt(n);
        workers.add(
            () -> {
              for (int k = 0; k < keys; k++) {
                String key = "k" + k;
                if (cache.putIfAbsent(key, node)) {
                  winners.computeIfAbsent(key, x -> new ConcurrentLinkedQueue<>()).add(node);
                } else {
                  String read = cache.get(key);
                  loserReads
                      .computeIfAbsent(key, x -> new ConcurrentLinkedQueue<>())
                      .add(String.valueOf(read));
                }
                done.incrementAndGet();
              }
            });
      }
      workers.start();
      if (killListen) {
        killListenOfB(nodes, caches.get(1), done, keys);
      }
      workers.join(RUN_LIMIT);

      Map<String, Integer> wins = new HashMap<>();
      for (int k = 0; k < keys; k++) {
        String key = "k" + k;
        assertThat(winners.get(key)).as("winners of %s", key).hasSize(1);
        String winner = winners.get(key).peek();
        wins.merge(winner, 1, Integer::sum);
        assertThat(loserReads.get(key))
            .as("what the losers of %s read at once", key)
            .hasSize(2)
            .containsOnly(winner);
      }
      for (Cache<String, String> cache : caches) {
        await()
            .atMost(CONVERGE)
            .untilAsserted(
                () -> {
                  for (int k = 0; k < keys; k++) {
                    String key = "k" + k;
                    assertThat(cache.get(key)).isEqualTo(winners.get(key).peek());
                  }
                });
      }
      LOG.info(
          "putIfAbsent race: {} keys x 3 nodes: exactly one winner each (wins by node {}),"
              + " every loser read the winner; LISTEN killed: {}",
          keys,
          wins,
          killListen);
    }
  }

  @ParameterizedTest(name = "LISTEN of one node killed mid-run: {0}")
  @ValueSource(booleans = {false, true})
  void compareAndSetChainsFromThreeNodesLoseNoUpdate(boolean killListen) throws Exception {
    int threadsPerNode = 2;
    int perThread = 200;
    int total = 3 * threadsPerNode * perThread;
    try (Nodes nodes = Nodes.freshDatabase("cas");
        Workers workers = new Workers()) {
      List<Cache<String, Long>> caches = open(nodes, "cas", Long.class);
      caches.get(0).put("v", 0L);
      for (Cache<String, Long> cache : caches) {
        await().atMost(CONVERGE).until(() -> Long.valueOf(0).equals(cache.get("v")));
      }
      Set<Long> written = ConcurrentHashMap.newKeySet();
      AtomicLong successes = new AtomicLong();
      AtomicLong attempts = new AtomicLong();
      for (Cache<String, Long> cache : caches) {
        for (int t = 0; t < threadsPerNode; t++) {
          workers.add(
              () -> {
                int mine = 0;
                while (mine < perThread) {
                  Long current = cache.get("v");
                  attempts.incrementAndGet();
                  if (cache.replace("v", current, current + 1)) {
                    assertThat(written.add(current + 1))
                        .as("value %d written twice", current + 1)
                        .isTrue();
                    mine++;
                    successes.incrementAndGet();
                  }
                }
              });
        }
      }
      workers.start();
      if (killListen) {
        killListenOfB(nodes, caches.get(1), successes, total / 3);
      }
      workers.join(RUN_LIMIT);

      assertThat(successes.get()).isEqualTo(total);
      Set<Long> expected = new HashSet<>();
      for (long v = 1; v <= total; v++) {
        expected.add(v);
      }
      assertThat(written).isEqualTo(expected);
      for (Cache<String, Long> cache : caches) {
        await().atMost(CONVERGE).until(() -> Long.valueOf(total).equals(cache.get("v")));
      }
      LOG.info(
          "replace(k, old, new) chains: {} successful of {} attempts from 3 nodes x {}"
              + " threads; final value {} everywhere, no lost update; LISTEN killed: {}",
          total,
          attempts.get(),
          threadsPerNode,
          total,
          killListen);
    }
  }

  @ParameterizedTest(name = "LISTEN of one node killed mid-run: {0}")
  @ValueSource(booleans = {false, true})
  void getAndPutFromThreeNodesIsALinearHistory(boolean killListen) throws Exception {
    int threadsPerNode = 2;
    int perThread = 300;
    int total = 3 * threadsPerNode * perThread;
    try (Nodes nodes = Nodes.freshDatabase("gap");
        Workers workers = new Workers()) {
      List<Cache<String, Long>> caches = open(nodes, "gap", Long.class);
      Queue<Long> olds = new ConcurrentLinkedQueue<>();
      AtomicInteger nulls = new AtomicInteger();
      AtomicLong done = new AtomicLong();
      Set<Long> put = ConcurrentHashMap.newKeySet();
      for (int n = 0; n < 3; n++) {
        Cache<String, Long> cache = caches.get(n);
        for (int t = 0; t < threadsPerNode; t++) {
          long base = n * 1_000_000L + t * 10_000L;
          workers.add(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  long value = base + i;
                  put.add(value);
                  Long old = cache.getAndPut("x", value);
                  if (old == null) {
                    nulls.incrementAndGet();
                  } else {
                    olds.add(old);
                  }
                  done.incrementAndGet();
                }
              });
        }
      }
      workers.start();
      if (killListen) {
        killListenOfB(nodes, caches.get(1), done, total / 3);
      }
      workers.join(RUN_LIMIT);

      Long last = caches.get(0).invoke("x", (entry, args) -> entry.getValue());
      assertThat(nulls.get()).as("getAndPut calls that found no value").isEqualTo(1);
      Map<Long, Integer> returned = new HashMap<>();
      olds.forEach(v -> returned.merge(v, 1, Integer::sum));
      assertThat(returned.values()).as("times a value came back as an old value").containsOnly(1);
      assertThat(returned).doesNotContainKey(last);
      Set<Long> history = new HashSet<>(returned.keySet());
      history.add(last);
      assertThat(history).isEqualTo(put).hasSize(total);
      for (Cache<String, Long> cache : caches) {
        await().atMost(CONVERGE).until(() -> last.equals(cache.get("x")));
      }
      LOG.info(
          "getAndPut from 3 nodes: {} puts, {} old values each returned once, final value {}"
              + " never returned: a linear history; LISTEN killed: {}",
          total,
          olds.size(),
          last,
          killListen);
    }
  }
}
