package org.pgjcache.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjcache.examples.support.Recorded;
import org.pgjcache.examples.support.Recorded.Change;
import org.pgjcache.examples.support.TwoNodes;

/** Feature flags on two nodes sharing one PostgreSQL. */
class FeatureFlagsTest {

  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  private TwoNodes nodes;
  private FeatureFlags onA;
  private FeatureFlags onB;

  @BeforeEach
  void open() {
    nodes = TwoNodes.onFreshDatabase("FeatureFlagsTest");
    onA = FeatureFlags.open(nodes.a());
    onB = FeatureFlags.open(nodes.b());
  }

  @AfterEach
  void close() {
    nodes.close();
  }

  @Test
  void aFlagNeverSetIsOff() {
    assertThat(onA.isEnabled("new-ui")).isFalse();
  }

  @Test
  void enablingOnOneNodeTurnsTheFlagOnEverywhereAndTellsSubscribers() {
    Recorded<Boolean> heardOnB = new Recorded<>();
    ChangeSubscription<Boolean> subscription = onB.onChange(heardOnB);
    try {
      onA.enable("new-ui");

      await().atMost(PROPAGATION).until(() -> onB.isEnabled("new-ui"));
      await()
          .atMost(PROPAGATION)
          .until(() -> heardOnB.changes().contains(new Change<>("new-ui", true)));
      assertThat(onB.all()).isEqualTo(Map.of("new-ui", true));
    } finally {
      subscription.close();
    }
  }

  @Test
  void disablingAndResettingPropagateBack() {
    Recorded<Boolean> heardOnA = new Recorded<>();
    onA.enable("checkout-v2");
    await().atMost(PROPAGATION).until(() -> onB.isEnabled("checkout-v2"));
    ChangeSubscription<Boolean> subscription = onA.onChange(heardOnA);
    try {
      onB.disable("checkout-v2");
      await().atMost(PROPAGATION).until(() -> !onA.isEnabled("checkout-v2"));

      onB.reset("checkout-v2");

      await()
          .atMost(PROPAGATION)
          .until(() -> heardOnA.changes().contains(new Change<Boolean>("checkout-v2", null)));
      assertThat(heardOnA.changes())
          .containsExactly(
              new Change<>("checkout-v2", false), new Change<Boolean>("checkout-v2", null));
      assertThat(onA.all()).isEmpty();
    } finally {
      subscription.close();
    }
  }
}
