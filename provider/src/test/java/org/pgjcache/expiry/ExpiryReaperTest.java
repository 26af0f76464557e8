package org.pgjcache.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.StubBackend;

/**
 * The reaper expires and purges on its schedule, batch after batch while batches come back full,
 * purges only when it holds the role, and keeps its schedule through any failure of the backend.
 */
class ExpiryReaperTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration NEVER = Duration.ofHours(1);

  /** An error no backend throws on purpose: the reaper must survive it too. */
  private static final class BackendError extends Error {
    private static final long serialVersionUID = 1L;

    BackendError() {
      super("the backend broke");
    }
  }

  /** Answers each call from a script, and records the calls. */
  private static final class Scripted extends StubBackend {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger expireCalls = new AtomicInteger();
    final AtomicInteger purgeCalls = new AtomicInteger();
    volatile IntSupplier expire = () -> 0;
    volatile IntSupplier purge = () -> 0;

    @Override
    public int expireDue(int limit) {
      calls.add("expireDue(" + limit + ")");
      expireCalls.incrementAndGet();
      return expire.getAsInt();
    }

    @Override
    public int purgeTombstones(long retentionMillis, int limit) {
      calls.add("purgeTombstones(" + retentionMillis + ", " + limit + ")");
      purgeCalls.incrementAndGet();
      return purge.getAsInt();
    }
  }

  private static final int THROW_RUNTIME = Integer.MIN_VALUE;
  private static final int THROW_ERROR = Integer.MIN_VALUE + 1;

  /** Answers in turn, then the last answer forever; THROW_RUNTIME and THROW_ERROR throw. */
  private static IntSupplier answers(int... results) {
    AtomicInteger next = new AtomicInteger();
    return () -> {
      int result = results[Math.min(next.getAndIncrement(), results.length - 1)];
      if (result == THROW_RUNTIME) {
        throw new IllegalStateException("the database is down");
      }
      if (result == THROW_ERROR) {
        throw new BackendError();
      }
      return result;
    };
  }

  private final Scripted backend = new Scripted();

  @Test
  void expiresAndPurgesOnItsSchedule() {
    try (ExpiryReaper reaper =
        ExpiryReaper.startForTest(backend, backend, Duration.ofMillis(5), Duration.ZERO)) {
      await()
          .atMost(WAIT)
          .until(() -> backend.expireCalls.get() >= 3 && backend.purgeCalls.get() >= 3);
    }
    assertThat(backend.calls)
        .contains(
            "expireDue(" + ExpiryReaper.BATCH + ")",
            "purgeTombstones("
                + ExpiryReaper.TOMBSTONE_RETENTION_MILLIS
                + ", "
                + ExpiryReaper.PURGE_BATCH
                + ")");
  }

  @Test
  void keepsItsScheduleThroughRuntimeExceptionsAndErrors() {
    backend.expire = answers(THROW_RUNTIME, THROW_ERROR, THROW_RUNTIME, 0);
    backend.purge = answers(THROW_ERROR, THROW_RUNTIME, 0);
    try (ExpiryReaper reaper =
        ExpiryReaper.startForTest(backend, backend, Duration.ofMillis(5), Duration.ZERO)) {
      await()
          .atMost(WAIT)
          .until(() -> backend.expireCalls.get() >= 8 && backend.purgeCalls.get() >= 4);
    }
  }

  @Test
  void expiresBatchAfterBatchWhileTheyComeBackFull() {
    backend.expire = answers(ExpiryReaper.BATCH, ExpiryReaper.BATCH, 7, ExpiryReaper.BATCH);
    try (ExpiryReaper reaper = ExpiryReaper.startForTest(backend, backend, NEVER, NEVER)) {
      reaper.sweep();
      assertThat(backend.expireCalls.get()).isEqualTo(3);
      assertThat(backend.purgeCalls.get()).as("not due yet").isZero();
    }
  }

  @Test
  void purgesBatchAfterBatchWhileTheyComeBackFull() {
    backend.purge = answers(ExpiryReaper.PURGE_BATCH, 3, ExpiryReaper.PURGE_BATCH);
    try (ExpiryReaper reaper = ExpiryReaper.startForTest(backend, backend, NEVER, Duration.ZERO)) {
      reaper.sweep();
      assertThat(backend.expireCalls.get()).isEqualTo(1);
      assertThat(backend.purgeCalls.get()).isEqualTo(2);
    }
  }

  @Test
  void purgesNothingWhileAnotherNodeHoldsTheRole() {
    backend.expire = answers(-1, 0);
    try (ExpiryReaper reaper = ExpiryReaper.startForTest(backend, backend, NEVER, Duration.ZERO)) {
      reaper.sweep();
      assertThat(backend.calls).containsExactly("expireDue(" + ExpiryReaper.BATCH + ")");
      reaper.sweep();
      assertThat(backend.purgeCalls.get()).as("once it holds the role").isEqualTo(1);
    }
  }
}
