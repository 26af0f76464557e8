package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/**
 * Writers that lock several rows at once (putAll, removeAll, combined puts) take the row locks in
 * one order, whatever order their callers gave the keys in, so they never deadlock one another: a
 * deadlock would surface as a {@code CacheException} from PostgreSQL's deadlock detector.
 */
class LockOrderTest {

  private static final int KEYS = 200;
  private static final int ROUNDS = 15;

  @Test
  void bulkWritesOfTheSameKeysInOpposingOrdersNeverDeadlock() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("lockorder")) {
      MutableConfiguration<Integer, String> config =
          new MutableConfiguration<Integer, String>().setTypes(Integer.class, String.class);
      Cache<Integer, String> a = nodes.node("a").createCache("c", config);
      Cache<Integer, String> b = nodes.node("b").createCache("c", config);
      List<Integer> ascending = new ArrayList<>();
      for (int k = 0; k < KEYS; k++) {
        ascending.add(k);
      }
      List<Integer> descending = new ArrayList<>(ascending);
      Collections.reverse(descending);
      List<Integer> shuffled = new ArrayList<>(ascending);
      Collections.shuffle(shuffled, new Random(7));
      List<Callable<Integer>> writers =
          List.of(
              () -> putAllRounds(a, ascending, "a"),
              () -> putAllRounds(b, descending, "b"),
              () -> putAllRounds(a, shuffled, "s"),
              () -> removeAllRounds(b, shuffled),
              () -> singlePuts(a, descending),
              () -> singlePuts(a, ascending));
      ExecutorService pool = Executors.newFixedThreadPool(writers.size());
      try {
        List<Future<Integer>> done = new ArrayList<>();
        for (Callable<Integer> writer : writers) {
          done.add(pool.submit(writer));
        }
        int rounds = 0;
        for (Future<Integer> f : done) {
          rounds += f.get();
        }
        assertThat(rounds).isEqualTo(writers.size() * ROUNDS);
      } finally {
        pool.shutdownNow();
      }
      a.putAll(values(ascending, "end"));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                for (int k : ascending) {
                  assertThat(a.get(k)).isEqualTo("end-" + k);
                  assertThat(b.get(k)).isEqualTo("end-" + k);
                }
              });
    }
  }

  private static int putAllRounds(Cache<Integer, String> cache, List<Integer> keys, String tag) {
    for (int round = 0; round < ROUNDS; round++) {
      cache.putAll(values(keys, tag + round));
    }
    return ROUNDS;
  }

  private static int removeAllRounds(Cache<Integer, String> cache, List<Integer> keys) {
    Set<Integer> ordered = new LinkedHashSet<>(keys);
    for (int round = 0; round < ROUNDS; round++) {
      cache.removeAll(ordered);
    }
    return ROUNDS;
  }

  private static int singlePuts(Cache<Integer, String> cache, List<Integer> keys) {
    for (int round = 0; round < ROUNDS; round++) {
      for (int k : keys.subList(0, 20)) {
        cache.put(k, "single-" + round);
      }
    }
    return ROUNDS;
  }

  private static Map<Integer, String> values(List<Integer> keys, String tag) {
    Map<Integer, String> values = new LinkedHashMap<>();
    for (int k : keys) {
      values.put(k, tag + "-" + k);
    }
    return values;
  }
}
