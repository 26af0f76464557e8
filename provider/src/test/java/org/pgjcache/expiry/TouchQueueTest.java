package org.pgjcache.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.StubBackend;
import org.pgjcache.support.Workers;

/**
 * Touches are batched per key, each written once per flush with the latest expiry; a touch that
 * cannot be written is dropped without holding up the others.
 */
class TouchQueueTest {

  /** A failure that is not an exception: flushing must survive it too. */
  private static final class BackendError extends Error {
    private static final long serialVersionUID = 1L;

    BackendError() {
      super("the backend broke");
    }
  }

  /** Records every touch written; some keys fail. */
  private static final class Touches extends StubBackend {
    final List<String> written = new CopyOnWriteArrayList<>();
    final Map<String, Long> latest = new ConcurrentHashMap<>();

    @Override
    public void touch(String cache, String key, long rev, long expireAt, String origin) {
      if (key.startsWith("failing")) {
        throw new IllegalStateException("the database is down");
      }
      if (key.startsWith("broken")) {
        throw new BackendError();
      }
      written.add(cache + "/" + key + "@" + rev + "->" + expireAt + " by " + origin);
      latest.put(key, expireAt);
    }
  }

  private final Touches backend = new Touches();
  private final AtomicReference<String> origin = new AtomicReference<>("origin-1");
  private final TouchQueue queue = new TouchQueue("c", backend, origin::get);

  @Test
  void aKeyTouchedManyTimesIsWrittenOncePerFlushWithItsLatestExpiry() {
    assertThat(queue.isEmpty()).isTrue();
    queue.defer("k", 5, 100);
    queue.defer("k", 5, 200);
    queue.defer("j", 2, 50);
    queue.defer("k", 6, 300);
    assertThat(queue.isEmpty()).isFalse();

    queue.flush();

    assertThat(backend.written)
        .containsExactlyInAnyOrder("c/k@6->300 by origin-1", "c/j@2->50 by origin-1");
    assertThat(queue.isEmpty()).isTrue();
    queue.flush();
    assertThat(backend.written).hasSize(2);
  }

  @Test
  void flushingOneKeyWritesThatKeyOnly() {
    queue.defer("k", 5, 100);
    queue.defer("j", 2, 50);

    queue.flush("k");
    queue.flush("k");
    queue.flush("absent");

    assertThat(backend.written).containsExactly("c/k@5->100 by origin-1");
    assertThat(queue.isEmpty()).isFalse();
    queue.flush();
    assertThat(backend.written).containsExactly("c/k@5->100 by origin-1", "c/j@2->50 by origin-1");
  }

  @Test
  void theOriginIsTheOneCurrentAtTheFlush() {
    queue.defer("k", 5, 100);
    origin.set("origin-2");
    queue.flush();
    assertThat(backend.written).containsExactly("c/k@5->100 by origin-2");
  }

  @Test
  void aTouchThatCannotBeWrittenIsDroppedAndTheOthersAreWritten() {
    queue.defer("failing", 1, 10);
    queue.defer("a", 1, 10);
    queue.defer("broken", 1, 10);
    queue.defer("b", 1, 10);
    queue.defer("failing too", 1, 10);
    queue.defer("c", 1, 10);

    queue.flush();

    assertThat(backend.latest).containsOnlyKeys("a", "b", "c");
    assertThat(queue.isEmpty()).as("failed touches are dropped").isTrue();
  }

  /**
   * A touch deferred while a flush is writing the same key must not be lost: once a flush that
   * started after it has completed, it has been written.
   */
  @Test
  void aTouchDeferredDuringAFlushIsNotLost() throws Exception {
    int rounds = 100_000;
    AtomicLong written = new AtomicLong();
    TouchQueue racing =
        new TouchQueue(
            "c",
            new StubBackend() {
              @Override
              public void touch(String cache, String key, long rev, long expireAt, String origin) {
                written.set(expireAt);
              }
            },
            () -> "origin");
    AtomicLong flushes = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> lost = new AtomicReference<>();
    try (Workers workers = new Workers()) {
      workers.add(
          () -> {
            try {
              while (!done.get()) {
                racing.flush();
                flushes.incrementAndGet();
              }
            } finally {
              done.set(true);
            }
          });
      workers.add(
          () -> {
            try {
              for (long round = 1; round <= rounds && lost.get() == null; round++) {
                racing.defer("k", 1, 2 * round);
                racing.defer("k", 1, 2 * round + 1);
                long started = flushes.get();
                while (flushes.get() < started + 2 && !done.get()) {
                  Thread.onSpinWait();
                }
                if (written.get() != 2 * round + 1) {
                  lost.set(
                      "round "
                          + round
                          + ": deferred "
                          + (2 * round + 1)
                          + ", last written "
                          + written.get());
                }
              }
            } finally {
              done.set(true);
            }
          });
      workers.start();
      workers.join(Duration.ofMinutes(2));
    }
    assertThat(lost.get()).as("a touch lost").isNull();
  }
}
