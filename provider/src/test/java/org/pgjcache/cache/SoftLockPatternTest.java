package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;
import org.pgjcache.support.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pattern of Hibernate's read-write second-level cache region, across three nodes: a
 * transaction that updates an entity first replaces the cached item by a soft lock (or joins an
 * existing lock), and after commit replaces the lock by the new item; readers that miss put what
 * they loaded only if nothing is cached ({@code putIfAbsent}); eviction removes an item only if it
 * is still that item ({@code remove(k, v)}). If any of these were decided by a node's replica
 * instead of the database, a stale load or an eviction would wipe a lock held on another node, and
 * a reader could see a stale item while an update is in flight. The test asserts that no writer
 * ever finds its lock gone.
 */
class SoftLockPatternTest {

  private static final Logger LOG = LoggerFactory.getLogger(SoftLockPatternTest.class);
  private static final Duration RUN_LIMIT = Duration.ofMinutes(2);
  private static final int KEYS = 4;

  /** A cached entity state. */
  record Item(long version, String state) implements Serializable {}

  /**
   * A soft lock held by {@code holders} concurrent updaters; {@code version} is the newest seen.
   */
  record SoftLock(int holders, long version) implements Serializable {}

  private static Properties settings(Nodes nodes) {
    Properties p = nodes.properties();
    p.setProperty("pgjcache.pool-size", "4");
    p.setProperty("pgjcache.reconnect-interval", "100ms");
    p.setProperty(
        "pgjcache.serialization.allow", Item.class.getName() + "," + SoftLock.class.getName());
    return p;
  }

  /** Replaces whatever is cached by a soft lock, or joins the lock already there. */
  private static void lock(Cache<String, Object> cache, String key) {
    while (true) {
      Object current = cache.get(key);
      if (current == null) {
        if (cache.putIfAbsent(key, new SoftLock(1, 0))) {
          return;
        }
      } else if (current instanceof Item item) {
        if (cache.replace(key, item, new SoftLock(1, item.version()))) {
          return;
        }
      } else {
        SoftLock held = (SoftLock) current;
        if (cache.replace(key, held, new SoftLock(held.holders() + 1, held.version()))) {
          return;
        }
      }
    }
  }

  /** Leaves the lock; the last one out puts the newest item. Returns false if the lock was gone. */
  private static boolean unlock(Cache<String, Object> cache, String key, long version) {
    while (true) {
      Object current = cache.get(key);
      if (!(current instanceof SoftLock held)) {
        return false;
      }
      long newest = Math.max(held.version(), version);
      Object next =
          held.holders() == 1
              ? new Item(newest, "state-" + newest)
              : new SoftLock(held.holders() - 1, newest);
      if (cache.replace(key, held, next)) {
        return true;
      }
    }
  }

  @ParameterizedTest(name = "LISTEN of one node killed mid-run: {0}")
  @ValueSource(booleans = {false, true})
  void softLocksAreNeverLostToStaleLoadsOrEvictions(boolean killListen) throws Exception {
    int cyclesPerWriter = 60;
    try (Nodes nodes = Nodes.freshDatabase("softlock");
        Workers workers = new Workers()) {
      List<Cache<String, Object>> caches = new ArrayList<>();
      for (String name : List.of("a", "b", "c")) {
        CacheManager node = nodes.node(name, settings(nodes));
        caches.add(node.createCache("entity", new MutableConfiguration<String, Object>()));
      }
      AtomicLong versions = new AtomicLong();
      AtomicLong cycles = new AtomicLong();
      AtomicInteger lostLocks = new AtomicInteger();
      AtomicInteger itemsSeenWhileLocked = new AtomicInteger();
      AtomicInteger writersLeft = new AtomicInteger(3 * 2);
      AtomicLong loads = new AtomicLong();
      AtomicLong evictions = new AtomicLong();
      for (Cache<String, Object> cache : caches) {
        for (int w = 0; w < 2; w++) {
          workers.add(
              () -> {
                try {
                  for (int i = 0; i < cyclesPerWriter; i++) {
                    String key = "entity-" + (i % KEYS);
                    lock(cache, key);
                    if (!(cache.get(key) instanceof SoftLock)) {
                      itemsSeenWhileLocked.incrementAndGet();
                    }
                    if (!unlock(cache, key, versions.incrementAndGet())) {
                      lostLocks.incrementAndGet();
                    }
                    cycles.incrementAndGet();
                  }
                } finally {
                  writersLeft.decrementAndGet();
                }
              });
        }
        workers.add(
            () -> {
              while (writersLeft.get() > 0) {
                for (int k = 0; k < KEYS; k++) {
                  String key = "entity-" + k;
                  Object current = cache.get(key);
                  if (current == null && cache.putIfAbsent(key, new Item(0, "stale load"))) {
                    loads.incrementAndGet();
                  } else if (current instanceof Item item && cache.remove(key, item)) {
                    evictions.incrementAndGet();
                  }
                }
              }
            });
      }
      workers.start();
      if (killListen) {
        await().atMost(RUN_LIMIT).until(() -> cycles.get() >= 3 * 2 * cyclesPerWriter / 3);
        CacheManager b = caches.get(1).getCacheManager();
        ListenKiller.awaitRelisten(b, ListenKiller.kill(nodes, b), Duration.ofSeconds(30));
      }
      workers.join(RUN_LIMIT);

      assertThat(cycles.get()).isEqualTo(3 * 2 * cyclesPerWriter);
      assertThat(lostLocks.get()).as("writers that found their soft lock gone").isZero();
      assertThat(itemsSeenWhileLocked.get()).as("items read while holding the lock").isZero();
      for (int k = 0; k < KEYS; k++) {
        Object last = caches.get(0).invoke("entity-" + k, (entry, args) -> entry.getValue());
        assertThat(last instanceof SoftLock)
            .as("entity-%d is still locked after every writer left: %s", k, last)
            .isFalse();
      }
      LOG.info(
          "soft locks: {} lock/unlock cycles from 3 nodes x 2 writers against {} stale loads"
              + " and {} evictions; no lock lost; LISTEN killed: {}",
          cycles.get(),
          loads.get(),
          evictions.get(),
          killListen);
    }
  }
}
