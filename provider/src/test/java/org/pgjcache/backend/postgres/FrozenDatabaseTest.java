package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.CuttableProxy;
import org.pgjcache.support.Nodes;
import org.pgjcache.support.PgjcacheThreads;
import org.pgjcache.testkit.TestDatabase;

/**
 * With the database frozen — a relay that stops forwarding while keeping every socket open, as a
 * server stopped with SIGSTOP does, so no error ever arrives — every cache operation that needs the
 * database fails with a {@link CacheException} naming its cache within statement-timeout +
 * connect-timeout of its call, and closing the manager returns within that bound too, failing the
 * calls still waiting, and releases its threads and connections.
 *
 * <p>A plain {@code get} of a key the replica does not hold never reaches the database (the replica
 * holds every entry of the cache), so it answers at once; the get-miss that does reach it is a
 * read-through cache's, which stores what its loader returns.
 *
 * <p>The bound is checked against the elapsed time of each call with a margin for a loaded machine;
 * {@code assertTimeoutPreemptively} is only the safety net that keeps a hanging call from hanging
 * the build. The elapsed times are printed.
 */
class FrozenDatabaseTest {

  private static final long STATEMENT_MILLIS = 2_000;
  private static final long CONNECT_MILLIS = 1_000;
  private static final long BOUND_MILLIS = STATEMENT_MILLIS + CONNECT_MILLIS;
  private static final long MARGIN_MILLIS = 500;
  private static final Duration SAFETY_NET = Duration.ofMillis(BOUND_MILLIS + 20_000);

  /** A read-through loader that always has a value. */
  public static final class Loader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      return "loaded-" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> all = new LinkedHashMap<>();
      keys.forEach(k -> all.put(k, load(k)));
      return all;
    }
  }

  @Test
  void everyCallFailsWithinTheBoundAndCloseReturnsAndReleases() throws Exception {
    Set<String> threadsBefore = PgjcacheThreads.alive();
    TestDatabase db = TestDatabase.get();
    ExecutorService background = Executors.newFixedThreadPool(2, daemon());
    try (Nodes nodes = Nodes.freshDatabase("frozen");
        CuttableProxy proxy = new CuttableProxy(db.host(), db.port())) {
      Properties p = nodes.properties();
      p.setProperty("pgjcache.jdbc-url", proxy.relay(nodes.jdbcUrl()));
      p.setProperty("pgjcache.statement-timeout", STATEMENT_MILLIS + "ms");
      p.setProperty("pgjcache.connect-timeout", CONNECT_MILLIS + "ms");
      // the heartbeat and the expiry reaper run all the time, so they are caught in statements too
      p.setProperty("pgjcache.heartbeat-interval", "250ms");
      p.setProperty("pgjcache.expiry-interval", "200ms");
      CacheManager manager = nodes.node("frozen", p);
      Cache<String, String> plain =
          manager.createCache(
              "plain",
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      Cache<String, String> loading =
          manager.createCache(
              "loading",
              new MutableConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setReadThrough(true)
                  .setCacheLoaderFactory(FactoryBuilder.factoryOf(Loader.class)));
      javax.cache.expiry.Duration hour = javax.cache.expiry.Duration.ONE_HOUR;
      Cache<String, String> touched =
          manager.createCache(
              "touched",
              new MutableConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(hour)));
      touched.put("t0", "v");
      touched.put("t1", "v");
      assertThat(loading.get("first")).isEqualTo("loaded-first");
      EntryProcessor<String, String, String> read = (entry, args) -> entry.getValue();
      assertThat(loading.invoke("first", read)).isEqualTo("loaded-first");

      // Each call gets a connection it used a moment ago (the pool checks only idle ones), so the
      // statement itself, not the check of a connection, meets the frozen database.
      Map<String, Long> elapsed = new LinkedHashMap<>();
      elapsed.put(
          "put",
          whileFrozen(proxy, plain, () -> failsNamingTheCache("plain", () -> plain.put("k", "v"))));
      elapsed.put(
          "get-miss (read-through)",
          whileFrozen(
              proxy, plain, () -> failsNamingTheCache("loading", () -> loading.get("absent"))));
      elapsed.put(
          "invoke",
          whileFrozen(
              proxy,
              plain,
              () ->
                  failsNamingTheCache(
                      "plain",
                      () ->
                          plain.invoke(
                              "k",
                              (entry, args) -> {
                                entry.setValue("processed");
                                return null;
                              }))));
      elapsed.put(
          "putAll",
          whileFrozen(
              proxy,
              plain,
              () -> failsNamingTheCache("plain", () -> plain.putAll(Map.of("a", "1", "b", "2")))));
      elapsed.put(
          "get-miss (plain: answered by the replica)",
          whileFrozen(
              proxy,
              plain,
              () -> {
                long start = System.nanoTime();
                assertThat(plain.get("absent")).isNull();
                return millisSince(start);
              }));

      // Closing while calls wait on the frozen database — a put and an invoke, and the
      // accessed-expiry
      // updates of two reads, which the manager's scheduler and then close itself try to store,
      // besides
      // the heartbeat and the reaper: the calls fail, and close returns.
      for (int i = 0; i < 2; i++) {
        String key = "warm-" + i;
        background.submit(() -> plain.put(key, "up")).get(30, TimeUnit.SECONDS);
      }
      proxy.freeze();
      long stalledAt = System.nanoTime();
      Future<Throwable> stalledPut =
          background.submit(() -> failure(() -> plain.put("during-close", "v")));
      Future<Throwable> stalledInvoke =
          background.submit(() -> failure(() -> plain.invoke("during-close", read)));
      assertThat(touched.get("t0")).isEqualTo("v");
      assertThat(touched.get("t1")).isEqualTo("v");
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.held() >= 2);
      long closing = System.nanoTime();
      assertTimeoutPreemptively(SAFETY_NET, manager::close);
      elapsed.put("close", millisSince(closing));
      for (Future<Throwable> stalled : List.of(stalledPut, stalledInvoke)) {
        Throwable failure = stalled.get(SAFETY_NET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(failure)
            .isInstanceOf(CacheException.class)
            .hasMessageContaining("cache 'plain'");
        System.out.printf("waiting when close began, then: %s%n", failure.getMessage());
      }
      elapsed.put("put and invoke waiting when close began", millisSince(stalledAt));

      System.out.printf(
          "with the database frozen (bound %d ms = statement-timeout %d ms"
              + " + connect-timeout %d ms): %s%n",
          BOUND_MILLIS, STATEMENT_MILLIS, CONNECT_MILLIS, elapsed);
      assertThat(elapsed)
          .allSatisfy(
              (operation, ms) ->
                  assertThat(ms).as(operation).isLessThanOrEqualTo(BOUND_MILLIS + MARGIN_MILLIS));
      assertThat(elapsed.get("get-miss (plain: answered by the replica)")).isLessThan(100);

      long closed = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(PgjcacheThreads.alive()).isEqualTo(threadsBefore));
      long threadsGone = millisSince(closed);
      proxy.thaw();
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(proxy.openClients())
                      .as("connections the node still holds open")
                      .isZero());
      System.out.printf(
          "after close returned: its threads ended within %d ms (database frozen),"
              + " its connections were all closed once it thawed%n",
          threadsGone);
    } finally {
      background.shutdownNow();
    }
  }

  /**
   * Freezes the database for one call, with {@code cache} known to work just before (the relay
   * thawed, a value stored), and returns what the call returns.
   */
  private static long whileFrozen(
      CuttableProxy proxy, Cache<String, String> cache, Callable<Long> call) throws Exception {
    proxy.thaw();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              cache.put("warm", "up");
              return true;
            });
    proxy.freeze();
    try {
      return call.call();
    } finally {
      proxy.thaw();
    }
  }

  private static Throwable failure(Runnable operation) {
    try {
      operation.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "frozen-caller-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Runs an operation that must fail with a CacheException naming {@code cache}; returns its time.
   */
  private static long failsNamingTheCache(String cache, Runnable operation) {
    long start = System.nanoTime();
    Throwable failure = assertTimeoutPreemptively(SAFETY_NET, () -> failure(operation));
    long ms = millisSince(start);
    assertThat(failure)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("cache '" + cache + "'");
    System.out.printf("failed after %d ms: %s%n", ms, failure.getMessage());
    return ms;
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
