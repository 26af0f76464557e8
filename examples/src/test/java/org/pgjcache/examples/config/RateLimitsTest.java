package org.pgjcache.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjcache.examples.support.TwoNodes;

/** Rate limits changed on one node and enforced on another. */
class RateLimitsTest {

  private static final Duration PROPAGATION = Duration.ofSeconds(10);
  private static final Duration WINDOW = Duration.ofSeconds(1);

  private TwoNodes nodes;
  private RateLimits onA;
  private RateLimits onB;
  private final AtomicLong clock = new AtomicLong();

  @BeforeEach
  void open() {
    nodes = TwoNodes.onFreshDatabase("RateLimitsTest");
    onA = RateLimits.open(nodes.a(), 100);
    onB = RateLimits.open(nodes.b(), 100);
  }

  @AfterEach
  void close() {
    nodes.close();
  }

  @Test
  void anEndpointWithoutALimitOfItsOwnGetsTheDefault() {
    assertThat(onB.limitFor("/search")).isEqualTo(100);
  }

  @Test
  void aLimitSetOnOneNodeIsEnforcedOnTheOther() {
    RateLimiter limiterOnB = new RateLimiter(onB, WINDOW, clock::get);

    onA.setLimit("/search", 2);
    await().atMost(PROPAGATION).until(() -> onB.limitFor("/search") == 2);

    assertThat(limiterOnB.tryAcquire("/search")).isTrue();
    assertThat(limiterOnB.tryAcquire("/search")).isTrue();
    assertThat(limiterOnB.tryAcquire("/search")).isFalse();
    clock.addAndGet(WINDOW.toNanos());
    assertThat(limiterOnB.tryAcquire("/search")).isTrue();
  }

  @Test
  void raisingTheLimitTakesEffectWithinTheCurrentWindow() {
    RateLimiter limiterOnB = new RateLimiter(onB, WINDOW, clock::get);
    onA.setLimit("/upload", 1);
    await().atMost(PROPAGATION).until(() -> onB.limitFor("/upload") == 1);
    assertThat(limiterOnB.tryAcquire("/upload")).isTrue();
    assertThat(limiterOnB.tryAcquire("/upload")).isFalse();

    onA.reset("/upload");
    await().atMost(PROPAGATION).until(() -> onB.limitFor("/upload") == 100);

    assertThat(limiterOnB.tryAcquire("/upload")).isTrue();
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> onA.setLimit("/search", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
