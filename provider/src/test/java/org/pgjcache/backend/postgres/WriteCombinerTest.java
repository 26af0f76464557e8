package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.backend.postgres.CombinerFixture.settings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/**
 * Concurrent puts share commits without losing order, durability or read-your-writes; a put fails
 * only for its own reasons; a put whose caller gives up is either certainly not stored or, once it
 * commits, applied to its own node.
 */
class WriteCombinerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static final int THREADS = 8;
  private static final int PUTS = 300;

  @Test
  void concurrentPutsCommitInOrderAndConverge() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("combiner")) {
      MutableConfiguration<String, Integer> config =
          new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
      Cache<String, Integer> writer = nodes.node("writer").createCache("c", config);
      Cache<String, Integer> watcher = nodes.node("watcher").createCache("c", config);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          String own = "own-" + t;
          int thread = t;
          results.add(
              pool.submit(
                  () -> {
                    boolean readOwnWrites = true;
                    for (int i = 1; i <= PUTS; i++) {
                      writer.put(own, i);
                      writer.put("shared", thread * 1_000_000 + i);
                      readOwnWrites &= writer.get(own) == i;
                    }
                    return readOwnWrites;
                  }));
        }
        for (Future<Boolean> result : results) {
          assertThat(result.get()).isTrue();
        }
      } finally {
        pool.shutdown();
      }
      Map<String, Integer> stored = stored(nodes);
      for (int t = 0; t < THREADS; t++) {
        assertThat(stored.get("s:own-" + t)).isEqualTo(PUTS);
      }
      int lastShared = stored.get("s:shared");
      assertThat(lastShared % 1_000_000).isEqualTo(PUTS);
      assertThat(writer.get("shared")).isEqualTo(lastShared);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(watcher.get("shared")).isEqualTo(lastShared);
                for (int t = 0; t < THREADS; t++) {
                  assertThat(watcher.get("own-" + t)).isEqualTo(PUTS);
                }
              });
    }
  }

  @Test
  void concurrentPutsShareCommits() throws Exception {
    try (CombinerFixture f = CombinerFixture.open("combined", settings())) {
      int perThread = 150;
      List<Future<?>> done = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      f.put("k-" + thread + "-" + i, "v" + i);
                    }
                    return null;
                  }));
        }
        for (Future<?> d : done) {
          d.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      Map<String, Long> rows = f.writers();
      int puts = THREADS * perThread;
      assertThat(rows).hasSize(puts);
      long commits = new HashSet<>(rows.values()).size();
      System.out.printf(
          "%d concurrent puts of distinct keys committed in %d transactions%n", puts, commits);
      assertThat(commits).as("transactions that wrote %d concurrent puts", puts).isLessThan(puts);
    }
  }

  @Test
  void aRowTheDatabaseRefusesFailsOnlyItsOwnPut() throws Exception {
    try (CombinerFixture f = CombinerFixture.open("refused", settings())) {
      f.sql(
          "create function refuse() returns trigger language plpgsql as $$ begin"
              + " raise exception 'refused %', new.key; end $$",
          "create trigger refuse before insert or update on pgjcache_entries for each row"
              + " when (new.key like 's:bad-%') execute function refuse()");
      int perThread = 120;
      Map<String, CacheException> failures = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> done = new ArrayList<>();
      try {
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      String name = (i % 10 == 3 ? "bad-" : "good-") + thread + "-" + i;
                      try {
                        f.put(name, "v");
                      } catch (CacheException e) {
                        failures.put(name, e);
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> d : done) {
          d.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      int bad = THREADS * perThread / 10;
      assertThat(failures.keySet()).allMatch(name -> name.startsWith("bad-")).hasSize(bad);
      failures.forEach(
          (name, e) ->
              assertThat(e)
                  .hasMessageContaining("key 's:" + name + "'")
                  .hasMessageContaining("cache 'c'")
                  .hasMessageContaining("refused s:" + name));
      Set<CacheException> instances = Collections.newSetFromMap(new IdentityHashMap<>());
      instances.addAll(failures.values());
      assertThat(instances).as("one exception instance per failed put").hasSize(bad);
      Map<String, Long> rows = f.writers();
      assertThat(rows).hasSize(THREADS * perThread - bad);
      assertThat(new HashSet<>(rows.values()).size())
          .as("puts still share commits")
          .isLessThan(rows.size());
    }
  }

  @Test
  void anInterruptedPutStillQueuedIsNotStoredAndPassesOnTheHandOff() throws Exception {
    try (CombinerFixture f = CombinerFixture.open("interrupt-queued", settings())) {
      f.installGates();
      f.closeGate("slow");
      Caller leader = Caller.start(() -> f.put("slow", "a"));
      await().atMost(DEADLINE).until(() -> f.atGate() == 1);
      Caller victim = Caller.start(() -> f.put("v", "v"));
      await().atMost(DEADLINE).until(victim::parked);
      Caller next = Caller.start(() -> f.put("w", "w"));
      await().atMost(DEADLINE).until(next::parked);
      victim.thread.interrupt();
      Throwable failure = victim.failure();
      assertThat(failure)
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("key 's:v' of cache 'c'")
          .hasMessageContaining("interrupted")
          .hasMessageContaining("not stored");
      assertThat(victim.interruptedAfter).isTrue();
      f.openGate("slow");
      assertThat(leader.result()).isPositive();
      assertThat(next.result())
          .as("the put queued behind the abandoned one got the hand-off")
          .isPositive();
      f.put("after", "x");
      assertThat(f.writers()).containsKeys("s:slow", "s:w", "s:after").doesNotContainKey("s:v");
      assertThat(f.heard).isEmpty();
    }
  }

  @Test
  void anInterruptedPutAlreadyInAStatementReachesItsNodeWhenItCommits() throws Exception {
    try (CombinerFixture f = CombinerFixture.open("interrupt-taken", settings())) {
      f.installGates();
      f.closeGate("slow-a");
      f.closeGate("slow-b");
      Caller first = Caller.start(() -> f.put("slow-a", "a"));
      await().atMost(DEADLINE).until(() -> f.atGate() == 1);
      Caller second = Caller.start(() -> f.put("slow-b", "b"));
      await().atMost(DEADLINE).until(second::parked);
      Caller victim = Caller.start(() -> f.put("v", "v"));
      await().atMost(DEADLINE).until(victim::parked);
      f.openGate("slow-a");
      assertThat(first.result()).isPositive();
      await().atMost(DEADLINE).until(() -> f.atGate() == 1 && victim.parked());
      victim.thread.interrupt();
      assertThat(victim.failure())
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("key 's:v' of cache 'c'")
          .hasMessageContaining("interrupted")
          .hasMessageContaining("may still commit");
      assertThat(f.heard).isEmpty();
      f.openGate("slow-b");
      assertThat(second.result()).isPositive();
      assertThat(f.writers()).containsKey("s:v");
      assertThat(f.heard).as("the committed put reached its own node").containsOnlyKeys("s:v");
    }
  }

  @Test
  void manyRoundsOfInterruptedPutsEndWithADefinedOutcomeEach() throws Exception {
    try (CombinerFixture f = CombinerFixture.open("interrupt-rounds", settings())) {
      int perThread = 200;
      Set<String> returned = ConcurrentHashMap.newKeySet();
      Set<String> notStored = ConcurrentHashMap.newKeySet();
      Set<String> maybe = ConcurrentHashMap.newKeySet();
      Map<String, Throwable> unexpected = new ConcurrentHashMap<>();
      List<Thread> workers = new ArrayList<>();
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        CompletableFuture<Void> finished = new CompletableFuture<>();
        done.add(finished);
        workers.add(
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    String key = "s:r-" + thread + "-" + i;
                    try {
                      f.put("r-" + thread + "-" + i, "v");
                      returned.add(key);
                    } catch (CacheException e) {
                      String m = String.valueOf(e.getMessage());
                      if (m.contains("was not stored") && m.contains(key)) {
                        notStored.add(key);
                      } else if (m.contains("may still commit") && m.contains(key)) {
                        maybe.add(key);
                      } else {
                        unexpected.put(key, e);
                      }
                    }
                    Thread.interrupted();
                  }
                  finished.complete(null);
                },
                "put-" + t));
      }
      workers.forEach(Thread::start);
      AtomicBoolean stop = new AtomicBoolean();
      Thread interrupter =
          new Thread(
              () -> {
                Random random = new Random(11);
                while (!stop.get()) {
                  workers.get(random.nextInt(workers.size())).interrupt();
                  java.util.concurrent.locks.LockSupport.parkNanos(
                      TimeUnit.MICROSECONDS.toNanos(200 + random.nextInt(800)));
                }
              });
      interrupter.start();
      try {
        CompletableFuture.allOf(done.toArray(new CompletableFuture[0]))
            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } finally {
        stop.set(true);
        interrupter.join();
      }
      System.out.printf(
          "interrupted rounds: %d returned, %d not stored, %d may have committed%n",
          returned.size(), notStored.size(), maybe.size());
      assertThat(unexpected).isEmpty();
      assertThat(returned.size() + notStored.size() + maybe.size()).isEqualTo(THREADS * perThread);
      assertThat(returned).isNotEmpty();
      assertThat(notStored).as("interrupts reached queued puts").isNotEmpty();
      Map<String, Long> rows = f.writers();
      assertThat(rows.keySet()).containsAll(returned);
      assertThat(rows.keySet()).doesNotContainAnyElementsOf(notStored);
      Set<String> orphansCommitted = new HashSet<>(maybe);
      orphansCommitted.retainAll(rows.keySet());
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(f.heard.keySet())
                      .containsExactlyInAnyOrderElementsOf(orphansCommitted));
      orphansCommitted.forEach(k -> assertThat(f.heard.get(k)).isPositive());
    }
  }

  /** A put on a thread of its own, so that a test can interrupt it and watch it park. */
  private static final class Caller {
    final Thread thread;
    final CompletableFuture<Long> outcome = new CompletableFuture<>();
    volatile boolean interruptedAfter;

    private Caller(java.util.concurrent.Callable<Long> put) {
      thread =
          new Thread(
              () -> {
                try {
                  outcome.complete(put.call());
                } catch (Throwable e) {
                  interruptedAfter = Thread.currentThread().isInterrupted();
                  outcome.completeExceptionally(e);
                }
              });
    }

    static Caller start(java.util.concurrent.Callable<Long> put) {
      Caller caller = new Caller(put);
      caller.thread.start();
      return caller;
    }

    /** Parked in the combiner, waiting for its put. */
    boolean parked() {
      Thread.State state = thread.getState();
      return state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING;
    }

    long result() throws Exception {
      return outcome.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    Throwable failure() throws Exception {
      try {
        outcome.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        return null;
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      }
    }
  }

  private static Map<String, Integer> stored(Nodes nodes) throws Exception {
    Map<String, Integer> values = new HashMap<>();
    try (Connection c =
            DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
        PreparedStatement ps =
            c.prepareStatement(
                "select key, value from pgjcache_entries where cache = 'c' and value is not null");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byte[] bytes = rs.getBytes(2);
        values.put(rs.getString(1), java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt());
      }
    }
    return values;
  }
}
