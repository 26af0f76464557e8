package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pgjcache.backend.postgres.CombinerFixture.settings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * A put returns or fails within statement-timeout + connect-timeout of its call, however long it
 * waited in the combiner and for a pooled connection: here the table is locked by another session,
 * so every statement stalls, and the pool is smaller than the number of writers.
 *
 * <p>This checks the documented bound itself, so it compares elapsed time with it, with a margin
 * for a loaded machine that is well below what the bound used to be exceeded by (a waiter that
 * became leader started a fresh statement timeout: about twice the statement timeout).
 */
class PutBoundTest {

  private static final int THREADS = 8;
  private static final long STATEMENT_MILLIS = 3_000;
  private static final long CONNECT_MILLIS = 250;
  private static final long MARGIN_MILLIS = 1_000;

  private volatile boolean named = true;

  @Test
  void everyPutFailsWithinTheBoundWhileTheDatabaseIsStalled() throws Exception {
    try (CombinerFixture f =
        CombinerFixture.open(
            "bound",
            settings(
                "statement-timeout",
                STATEMENT_MILLIS + "ms",
                "connect-timeout",
                CONNECT_MILLIS + "ms",
                "pool-size",
                "2"))) {
      f.put("warm", "up");
      List<Long> elapsed = Collections.synchronizedList(new ArrayList<>());
      Set<Throwable> failures =
          Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
      try (Connection holder =
          DriverManager.getConnection(f.nodes.jdbcUrl(), f.nodes.user(), f.nodes.password())) {
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
          st.execute("lock table pgjcache_entries in exclusive mode");
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        try {
          for (int t = 0; t < THREADS; t++) {
            String name = "stalled-" + t;
            done.add(
                pool.submit(
                    () -> {
                      start.await();
                      long begin = System.nanoTime();
                      try {
                        f.put(name, "v");
                      } catch (CacheException e) {
                        failures.add(e);
                        named &=
                            String.valueOf(e.getMessage())
                                .contains("key 's:" + name + "' of cache 'c'");
                      } finally {
                        elapsed.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
                      }
                      return null;
                    }));
          }
          start.countDown();
          for (Future<?> d : done) {
            d.get(60, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
          holder.rollback();
        }
      }
      long bound = STATEMENT_MILLIS + CONNECT_MILLIS;
      System.out.printf("puts while the table was locked: %s ms (bound %d ms)%n", elapsed, bound);
      assertThat(failures).as("each stalled put failed with its own exception").hasSize(THREADS);
      assertThat(named).as("every failure names its key and cache").isTrue();
      assertThat(elapsed)
          .hasSize(THREADS)
          .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(bound + MARGIN_MILLIS));
      assertThat(f.put("after", "v")).isPositive();
    }
  }
}
