package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The watchdog aborts the connection of a call still running at its deadline — on time, even when
 * the deadline comes sooner than the watchdog's next look — and leaves alone a call that ended in
 * time.
 */
class WatchdogTest {

  /** A connection that only records when it was aborted ({@code System.nanoTime()}, 0 if never). */
  private static final class Aborts {
    final AtomicLong at = new AtomicLong();
    final Connection connection =
        (Connection)
            Proxy.newProxyInstance(
                WatchdogTest.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("abort")) {
                    at.compareAndSet(0, System.nanoTime());
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void aCallPastItsDeadlineIsCutOnTimeEvenIfTheWatchdogSleepsLonger() {
    try (Watchdog watchdog = new Watchdog("test-watchdog", 60_000)) {
      Aborts aborts = new Aborts();
      long start = System.nanoTime();
      Watchdog.Watch watch = watchdog.watch(aborts.connection, Deadline.after(200));
      await().atMost(Duration.ofSeconds(5)).until(watch::wasCut);
      long late = TimeUnit.NANOSECONDS.toMillis(aborts.at.get() - start) - 200;
      assertThat(late).as("ms after the deadline").isBetween(0L, 150L);
      assertThat(watch.closedBy()).isNull();
      watch.close();
    }
  }

  @Test
  void aCallThatEndsInTimeIsLeftAlone() {
    try (Watchdog watchdog = new Watchdog("test-watchdog", 20)) {
      Aborts aborts = new Aborts();
      Watchdog.Watch watch = watchdog.watch(aborts.connection, Deadline.after(100));
      watch.close();
      Aborts later = new Aborts();
      Watchdog.Watch marker = watchdog.watch(later.connection, Deadline.after(300));
      await().atMost(Duration.ofSeconds(5)).until(marker::wasCut);
      assertThat(watch.wasCut()).isFalse();
      assertThat(aborts.at).hasValue(0);
    }
  }

  @Test
  void aRenewedCallLivesOnAndClosingCutsWhatIsLeftAndWhatComes() {
    Watchdog watchdog = new Watchdog("test-watchdog", 20);
    Aborts renewed = new Aborts();
    Watchdog.Watch watch = watchdog.watch(renewed.connection, Deadline.after(150));
    watch.renew(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
    Aborts marker = new Aborts();
    Watchdog.Watch passed = watchdog.watch(marker.connection, Deadline.after(300));
    await().atMost(Duration.ofSeconds(5)).until(passed::wasCut);
    assertThat(watch.wasCut()).isFalse();

    assertThat(watchdog.close("closing")).isEqualTo(1);
    assertThat(watch.wasCut()).isTrue();
    assertThat(watch.closedBy()).isEqualTo("closing");
    Aborts afterwards = new Aborts();
    Watchdog.Watch late = watchdog.watch(afterwards.connection, Deadline.after(60_000));
    assertThat(late.wasCut()).isTrue();
    assertThat(afterwards.at.get()).isPositive();
  }
}
