package org.pgjcache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounded replica: holds at most its bound, reads a key it does not hold once however many
 * readers ask, and never lets a row it read overwrite a change applied while the read was under
 * way.
 */
class BoundedReplicaTest {

  private static final long NOW = 1_000_000;
  private static final long ETERNAL = Long.MAX_VALUE;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void holdsNoMoreThanItsBound() {
    Replica replica = Replica.bounded(10);
    for (int i = 0; i < 1_000; i++) {
      replica.apply("k" + i, "v" + i, i + 1, ETERNAL, NOW, ApplyHook.NONE);
    }
    assertThat(replica.tierStats().size()).isLessThanOrEqualTo(10);
    assertThat(replica.tierStats().evictions()).isGreaterThanOrEqualTo(990);
    assertThat(replica.holdsAll()).isFalse();
  }

  @Test
  void aMissReadsTheSourceAndThenHoldsTheEntry() {
    Replica replica = Replica.bounded(10);
    AtomicInteger reads = new AtomicInteger();
    Replica.Source source =
        key -> {
          reads.incrementAndGet();
          return new Replica.Loaded("db", 7, ETERNAL);
        };
    assertThat(replica.resolve("k", NOW, source).held()).isEqualTo("db");
    assertThat(replica.resolve("k", NOW, source).rev()).isEqualTo(7);
    assertThat(reads).hasValue(1);
    assertThat(replica.tierStats().hits()).isEqualTo(1);
    assertThat(replica.tierStats().misses()).isEqualTo(1);
  }

  @Test
  void anAbsentKeyIsHeldAsATombstoneThatAnyChangeReplaces() {
    Replica replica = Replica.bounded(10);
    AtomicInteger reads = new AtomicInteger();
    Replica.Source none =
        key -> {
          reads.incrementAndGet();
          return null;
        };
    Versioned absent = replica.resolve("k", NOW, none);
    assertThat(absent.isTombstone()).isTrue();
    assertThat(absent.rev()).isZero();
    assertThat(replica.resolve("k", NOW, none).isTombstone()).isTrue();
    assertThat(reads).as("absence is cheap: read once").hasValue(1);
    Applied created = replica.apply("k", "v", 3, ETERNAL, NOW, ApplyHook.NONE);
    assertThat(created.applied()).isTrue();
    assertThat(created.previousKnown()).isTrue();
    assertThat(replica.get("k").held()).isEqualTo("v");
  }

  @Test
  void concurrentMissesOfOneKeyShareOneRead() throws Exception {
    Replica replica = Replica.bounded(10);
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    Replica.Source slow =
        key -> {
          reads.incrementAndGet();
          inRead.countDown();
          await(release);
          return new Replica.Loaded("db", 5, ETERNAL);
        };
    Future<Versioned> first = pool.submit(() -> replica.resolve("k", NOW, slow));
    assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();
    List<Future<Versioned>> others = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      others.add(pool.submit(() -> replica.resolve("k", NOW, slow)));
    }
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).rev()).isEqualTo(5);
    for (Future<Versioned> other : others) {
      assertThat(other.get(10, TimeUnit.SECONDS).rev()).isEqualTo(5);
    }
    assertThat(reads).hasValue(1);
  }

  @Test
  void aChangeAppliedDuringAReadWinsOverTheOlderRowRead() throws Exception {
    Replica replica = Replica.bounded(10);
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Replica.Source stale =
        key -> {
          inRead.countDown();
          await(release);
          return new Replica.Loaded("old", 5, ETERNAL); // read before the change below committed
        };
    Future<Versioned> read = pool.submit(() -> replica.resolve("k", NOW, stale));
    assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();
    // the notification of a newer change arrives while the row is on its way
    replica.apply("k", "new", 6, ETERNAL, NOW, ApplyHook.NONE);
    release.countDown();
    assertThat(read.get(10, TimeUnit.SECONDS).held()).isEqualTo("new");
    assertThat(replica.get("k").rev()).isEqualTo(6);
    assertThat(replica.get("k").held()).isEqualTo("new");
  }

  @Test
  void aRemovalAppliedDuringAReadIsNotUndoneByTheRowRead() throws Exception {
    Replica replica = Replica.bounded(10);
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Replica.Source stale =
        key -> {
          inRead.countDown();
          await(release);
          return new Replica.Loaded("old", 5, ETERNAL);
        };
    Future<Versioned> read = pool.submit(() -> replica.resolve("k", NOW, stale));
    assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();
    replica.apply("k", null, 6, ETERNAL, NOW, ApplyHook.NONE);
    release.countDown();
    assertThat(read.get(10, TimeUnit.SECONDS).isTombstone()).isTrue();
    assertThat(replica.get("k").isTombstone()).isTrue();
  }

  @Test
  void aChangeEvictedDuringAReadMakesTheReadTryAgain() throws Exception {
    Replica replica = Replica.bounded(1);
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    Replica.Source source =
        key -> {
          if (reads.incrementAndGet() == 1) {
            inRead.countDown();
            await(release);
            return new Replica.Loaded("old", 5, ETERNAL);
          }
          return new Replica.Loaded("new", 6, ETERNAL);
        };
    Future<Versioned> read = pool.submit(() -> replica.resolve("k", NOW, source));
    assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();
    replica.apply("k", "new", 6, ETERNAL, NOW, ApplyHook.NONE);
    // other keys push the change out of a tier of one entry before the row arrives
    for (int i = 0; i < 10_000 && replica.get("k") != null; i++) {
      replica.apply("other" + i, "x", 100 + i, ETERNAL, NOW, ApplyHook.NONE);
    }
    assertThat(replica.get("k")).isNull();
    release.countDown();
    assertThat(read.get(10, TimeUnit.SECONDS).held()).isEqualTo("new");
    assertThat(reads).hasValue(2);
  }

  @Test
  void aClearDuringAReadFencesTheRowRead() throws Exception {
    Replica replica = Replica.bounded(10);
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    Replica.Source source =
        key -> {
          if (reads.incrementAndGet() == 1) {
            inRead.countDown();
            await(release);
            return new Replica.Loaded("before clear", 5, ETERNAL);
          }
          return null;
        };
    Future<Versioned> read = pool.submit(() -> replica.resolve("k", NOW, source));
    assertThat(inRead.await(10, TimeUnit.SECONDS)).isTrue();
    replica.clearUpTo(9);
    release.countDown();
    assertThat(read.get(10, TimeUnit.SECONDS).isTombstone()).isTrue();
  }

  @Test
  void aChangeOfAKeyNotHeldIsHeldAndSaysItsPreviousStateIsUnknown() {
    Replica replica = Replica.bounded(10);
    Applied applied = replica.apply("k", "v", 4, ETERNAL, NOW, ApplyHook.NONE);
    assertThat(applied.applied()).isTrue();
    assertThat(applied.previousKnown()).isFalse();
    Versioned seen = Versioned.of("before", 3, ETERNAL);
    assertThat(applied.assuming(seen).previous()).isSameAs(seen);
    Applied full = Replica.full().apply("k", "v", 4, ETERNAL, NOW, ApplyHook.NONE);
    assertThat(full.previousKnown()).isTrue();
  }

  @Test
  void resolveAllReadsTheMissingKeysInOneCall() {
    Replica replica = Replica.bounded(10);
    replica.apply("held", "h", 1, ETERNAL, NOW, ApplyHook.NONE);
    List<List<Object>> calls = new ArrayList<>();
    Map<Object, Versioned> found =
        replica.resolveAll(
            List.of("held", "a", "b", "gone"),
            NOW,
            keys -> {
              calls.add(new ArrayList<>(keys));
              Map<Object, Replica.Loaded> rows = new HashMap<>();
              rows.put("a", new Replica.Loaded("va", 2, ETERNAL));
              rows.put("b", new Replica.Loaded("vb", 3, ETERNAL));
              return rows;
            });
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0)).containsExactlyInAnyOrder("a", "b", "gone");
    assertThat(found.get("held").held()).isEqualTo("h");
    assertThat(found.get("a").held()).isEqualTo("va");
    assertThat(found.get("b").held()).isEqualTo("vb");
    assertThat(found.get("gone").isTombstone()).isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
