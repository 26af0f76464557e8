package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/**
 * A synchronous listener that blocks holds up its own cache only: the LISTEN reader keeps reading
 * and answering its probe (no reconnect), and other caches' changes keep arriving.
 */
class SlowListenerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final CountDownLatch RELEASE = new CountDownLatch(1);
  private static final AtomicInteger SLOW_HEARD = new AtomicInteger();
  private static final java.util.Map<String, Long> HEARD_AT =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Stamps when each key of the other cache is heard (for the figures this test prints). */
  public static final class Stamping
      implements CacheEntryCreatedListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      long now = System.nanoTime();
      events.forEach(e -> HEARD_AT.put(e.getKey(), now));
    }
  }

  /** Blocks on its first event until the test releases it. */
  public static final class Blocking
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      block(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      block(events);
    }

    private static void block(
        Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> SLOW_HEARD.incrementAndGet());
      try {
        RELEASE.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void aBlockedListenerDelaysOnlyItsOwnCache() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("slowlistener")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      Properties bp = fast(nodes, "node-b");
      bp.setProperty("pgjcache.connect-timeout", "1s");
      CacheManager bm = nodes.node("b", bp);
      MutableConfiguration<String, String> config = strings();
      Cache<String, String> aSlow = am.createCache("slow", config);
      Cache<String, String> aFast = am.createCache("fast", config);
      bm.createCache(
          "slow",
          new MutableConfiguration<>(config)
              .addCacheEntryListenerConfiguration(
                  new MutableCacheEntryListenerConfiguration<>(
                      FactoryBuilder.factoryOf(Blocking.class), null, false, true)));
      Recorder heard = new Recorder();
      Cache<String, String> bFast =
          bm.createCache(
              "fast",
              new MutableConfiguration<>(config)
                  .addCacheEntryListenerConfiguration(heard.configuration())
                  .addCacheEntryListenerConfiguration(
                      new MutableCacheEntryListenerConfiguration<>(
                          FactoryBuilder.factoryOf(Stamping.class), null, false, true)));
      long[] baseline = timedPuts(aFast, "base", 100);
      System.out.printf(
          "other cache, nothing blocked: p50 %d us, p99 %d us, max %d us%n",
          baseline[50], baseline[98], baseline[99]);
      try {
        aSlow.put("k", "blocks its listener");
        aSlow.put("k2", "waits behind it");
        await().atMost(WAIT).until(() -> SLOW_HEARD.get() == 1);

        long[] micros = timedPuts(aFast, "f", 100);
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 200);
        System.out.printf(
            "other cache while one listener blocks: put returned -> synchronous"
                + " listener on the other node, back to back, p50 %d us, p99 %d us, max %d us%n",
            micros[50], micros[98], micros[99]);
        assertThat(bFast.get("f99")).isEqualTo("v99");
        assertThat(RELEASE.getCount()).as("the slow listener is still blocked").isEqualTo(1);
        // longer than a probe interval (2 s) plus the connect timeout (1 s) a probe may wait
        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(8))
            .until(() -> sync(bm).listenReconnects() == 0 && SLOW_HEARD.get() == 1);
      } finally {
        RELEASE.countDown();
      }
      await().atMost(WAIT).until(() -> SLOW_HEARD.get() == 2);
      assertThat(sync(bm).listenReconnects()).isZero();
    }
  }

  /**
   * Puts {@code count} keys back to back; microseconds from each put's return to its event, sorted.
   */
  private static long[] timedPuts(Cache<String, String> cache, String prefix, int count) {
    long[] putAt = new long[count];
    for (int i = 0; i < count; i++) {
      cache.put(prefix + i, "v" + i);
      putAt[i] = System.nanoTime();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                java.util.stream.IntStream.range(0, count)
                    .allMatch(i -> HEARD_AT.containsKey(prefix + i)));
    long[] micros = new long[count];
    for (int i = 0; i < count; i++) {
      micros[i] = Math.max(0, (HEARD_AT.get(prefix + i) - putAt[i]) / 1000);
    }
    java.util.Arrays.sort(micros);
    return micros;
  }
}
