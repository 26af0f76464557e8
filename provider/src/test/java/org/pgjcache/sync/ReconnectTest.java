package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.pgjcache.sync.SyncFixtures.backend;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.query;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;
import org.pgjcache.testkit.TestDatabase;

/**
 * A node whose LISTEN connection dies, or whose database goes away for a while, comes back,
 * converges and tells its listeners what it missed; writes while the database is away fail in
 * bounded time.
 */
class ReconnectTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The value each key must end with on every node: what a node opened now loads. */
  private static Map<String, String> truth(Nodes nodes, int keys) {
    Cache<String, String> fresh =
        nodes.node("truth-" + System.nanoTime()).createCache("c", strings());
    Map<String, String> state = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      state.put("k" + i, fresh.get("k" + i));
    }
    return state;
  }

  /** Every key holds its final value, and the listener's last event of each key says so. */
  private static void assertConverged(
      Cache<String, String> cache, Recorder heard, Map<String, String> state) {
    state.forEach(
        (key, value) -> {
          assertThat(cache.get(key)).as(key).isEqualTo(value);
          List<Event> events = heard.events(key);
          assertThat(events).as("events of " + key).isNotEmpty();
          assertThat(events.get(events.size() - 1).value())
              .as("last event of " + key)
              .isEqualTo(value);
        });
  }

  @Test
  void aKilledListenConnectionReconnectsAndItsListenersHearWhatTheyMissed() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("listenkill")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      Properties slow = fast(nodes, "node-b");
      slow.setProperty("pgjcache.heartbeat-interval", "1h"); // only the reconnect may repair
      CacheManager bm = nodes.node("b", slow);
      Cache<String, String> a = am.createCache("c", strings());
      Recorder heard = new Recorder();
      Cache<String, String> b =
          bm.createCache("c", strings().addCacheEntryListenerConfiguration(heard.configuration()));
      int keys = 20;
      for (int i = 0; i < keys; i++) {
        a.put("k" + i, "v0");
      }
      await().atMost(WAIT).until(() -> heard.size() == keys);
      int pid = backend(bm).listenerPid();
      long reconnects = sync(bm).listenReconnects();

      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger round = new AtomicInteger();
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        Future<?> writes =
            writer.submit(
                () -> {
                  while (writing.get() || round.get() < 3) {
                    int r = round.incrementAndGet();
                    for (int i = 0; i < keys; i++) {
                      a.put("k" + i, "v" + r);
                    }
                  }
                });
        await().atMost(WAIT).until(() -> round.get() >= 2);
        long killed = System.nanoTime();
        assertThat(query(nodes, "select pg_terminate_backend(" + pid + ")"))
            .containsExactly(List.of(true));
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(1))
            .until(() -> sync(bm).listenReconnects() > reconnects);
        long reconnectMicros = (System.nanoTime() - killed) / 1000;
        int seen = round.get();
        await().atMost(WAIT).until(() -> round.get() >= seen + 2);
        writing.set(false);
        writes.get(60, TimeUnit.SECONDS);
        System.out.printf(
            "LISTEN connection re-established %.1f ms after pg_terminate_backend%n",
            reconnectMicros / 1000.0);
      } finally {
        writing.set(false);
        writer.shutdownNow();
      }
      assertThat(backend(bm).listenerPid()).isNotEqualTo(pid).isPositive();
      Map<String, String> state = truth(nodes, keys);
      await().atMost(WAIT).untilAsserted(() -> assertConverged(b, heard, state));
      // no event was heard twice, whatever came by notification and whatever by reconciliation
      assertThat(heard.events()).doesNotHaveDuplicates();
    }
  }

  @Test
  void afterTheDatabaseRestartsEveryNodeConvergesAndWritesDuringTheOutageFailInBoundedTime()
      throws Exception {
    TestDatabase db = TestDatabase.get();
    Assumptions.assumeTrue(db.canRestart(), "the test database cannot be restarted: " + db.kind());
    try (Nodes nodes = Nodes.freshDatabase("restart")) {
      Properties pa = fast(nodes, "node-a");
      Properties pb = fast(nodes, "node-b");
      for (Properties p : List.of(pa, pb)) {
        p.setProperty("pgjcache.connect-timeout", "1s");
        p.setProperty("pgjcache.statement-timeout", "2s");
      }
      CacheManager am = nodes.node("a", pa);
      CacheManager bm = nodes.node("b", pb);
      Recorder heardA = new Recorder();
      Recorder heardB = new Recorder();
      Cache<String, String> a =
          am.createCache("c", strings().addCacheEntryListenerConfiguration(heardA.configuration()));
      Cache<String, String> b =
          bm.createCache("c", strings().addCacheEntryListenerConfiguration(heardB.configuration()));
      int keys = 10;
      for (int i = 0; i < keys; i++) {
        a.put("k" + i, "before");
      }
      await().atMost(WAIT).until(() -> heardB.size() == keys);
      long reconnectsB = sync(bm).listenReconnects();
      assertThat(sync(bm).listenStatus().listening()).isTrue();
      long listeningSince = sync(bm).listenStatus().sinceMillis();

      db.stop();
      try {
        // health says the node is not listening, and why
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(sync(bm).listenStatus().listening()).isFalse();
                  assertThat(sync(bm).listenStatus().lastError()).isNotBlank();
                  assertThat(sync(bm).listenStatus().sinceMillis())
                      .isGreaterThanOrEqualTo(listeningSince);
                });
        // reads are served by the replicas; writes fail, each within connect + statement timeout
        assertThat(b.get("k0")).isEqualTo("before");
        for (Cache<String, String> cache : List.of(a, b, a)) {
          long started = System.nanoTime();
          Throwable failure =
              assertTimeoutPreemptively(
                  Duration.ofSeconds(15), () -> catchThrowable(() -> cache.put("k1", "during")));
          assertThat(failure).isInstanceOf(CacheException.class).hasMessageContaining("PostgreSQL");
          System.out.printf(
              "a write during the outage failed after %d ms: %s%n",
              (System.nanoTime() - started) / 1_000_000, failure.getMessage());
        }
      } finally {
        db.start();
      }
      // node a writes as soon as it can, possibly before node b listens again
      await()
          .atMost(WAIT)
          .ignoreException(CacheException.class)
          .untilAsserted(() -> a.put("k2", "after-a"));
      for (int i = 3; i < keys; i++) {
        a.put("k" + i, "after-a");
      }
      await()
          .atMost(WAIT)
          .ignoreException(CacheException.class)
          .untilAsserted(() -> b.put("k0", "after-b"));
      Map<String, String> state = truth(nodes, keys);
      assertThat(state)
          .containsEntry("k0", "after-b")
          .containsEntry("k1", "before")
          .containsEntry("k9", "after-a");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertConverged(a, heardA, state);
                assertConverged(b, heardB, state);
              });
      await().atMost(WAIT).until(() -> sync(bm).listenReconnects() > reconnectsB);
      assertThat(sync(bm).listenStatus().listening()).isTrue();
      assertThat(heardA.events()).doesNotHaveDuplicates();
      assertThat(heardB.events()).doesNotHaveDuplicates();
    } finally {
      db.start();
    }
  }
}
