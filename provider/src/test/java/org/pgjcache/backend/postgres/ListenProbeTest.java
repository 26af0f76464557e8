package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A probe is outstanding from before it is sent: one heard back before {@code send} returns (the
 * LISTEN reader can be faster than the sending thread on a busy machine) must not leave the node
 * reporting itself deaf.
 */
class ListenProbeTest {

  private static Payloads.Notice parse(String payload) {
    return Payloads.parse(payload, null);
  }

  /** Waits, on the clock, until a bound of 0 ms has certainly passed. */
  private static void pastTheBound() {
    long start = System.currentTimeMillis();
    await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > start + 2);
  }

  @Test
  void aProbeHeardBeforeSendReturnsIsNotOutstanding() {
    AtomicReference<ListenProbe> probe = new AtomicReference<>();
    probe.set(
        new ListenProbe(
            "node-1", 0, payload -> probe.get().heard(parse(payload)), () -> true, "test"));
    probe.get().send();
    pastTheBound();
    probe.get().check();
    assertThat(probe.get().deaf()).isFalse();
  }

  @Test
  void aProbeNeverHeardMakesTheNodeDeafAndOneHeardLaterRecoversIt() {
    AtomicReference<String> sent = new AtomicReference<>();
    ListenProbe probe = new ListenProbe("node-1", 0, sent::set, () -> true, "test");
    probe.send();
    pastTheBound();
    probe.check();
    assertThat(probe.deaf()).isTrue();
    assertThat(probe.heard(parse(sent.get()))).isTrue();
    assertThat(probe.deaf()).isFalse();
  }

  @Test
  void aProbeThatCannotBeSentLeavesNothingOutstanding() {
    ListenProbe probe =
        new ListenProbe(
            "node-1",
            0,
            payload -> {
              throw new IllegalStateException("database down");
            },
            () -> true,
            "test");
    assertThatThrownBy(probe::send).hasMessageContaining("database down");
    pastTheBound();
    probe.check();
    assertThat(probe.deaf()).isFalse();
  }
}
