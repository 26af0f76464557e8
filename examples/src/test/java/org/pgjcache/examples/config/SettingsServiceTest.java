package org.pgjcache.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjcache.examples.support.TwoNodes;

/** The typed settings service on two nodes sharing one PostgreSQL. */
class SettingsServiceTest {

  private static final Duration PROPAGATION = Duration.ofSeconds(10);
  private static final Setting<Integer> MAX_USERS = Setting.ofInt("max_users", 100);
  private static final Setting<String> APP_NAME = Setting.ofString("app_name", "MyApp");
  private static final Setting<Boolean> MAINTENANCE = Setting.ofBoolean("maintenance", false);
  private static final Setting<Duration> SESSION_TTL =
      Setting.ofDuration("session_ttl", Duration.ofMinutes(30));

  private TwoNodes nodes;
  private SettingsService onA;
  private SettingsService onB;

  @BeforeEach
  void open() {
    nodes = TwoNodes.onFreshDatabase("SettingsServiceTest");
    onA = SettingsService.open(nodes.a());
    onB = SettingsService.open(nodes.b());
  }

  @AfterEach
  void close() {
    nodes.close();
  }

  @Test
  void unsetSettingsHaveTheirDefaults() {
    assertThat(onB.get(MAX_USERS)).isEqualTo(100);
    assertThat(onB.get(APP_NAME)).isEqualTo("MyApp");
    assertThat(onB.get(MAINTENANCE)).isFalse();
    assertThat(onB.get(SESSION_TTL)).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void valuesSetOnOneNodeAreReadOnTheOther() {
    onA.set(MAX_USERS, 500);
    onA.set(APP_NAME, "Shop");
    onA.set(SESSION_TTL, Duration.ofMinutes(5));

    await().atMost(PROPAGATION).until(() -> onB.get(SESSION_TTL).equals(Duration.ofMinutes(5)));
    assertThat(onB.get(MAX_USERS)).isEqualTo(500);
    assertThat(onB.get(APP_NAME)).isEqualTo("Shop");
    assertThat(onB.all()).containsOnlyKeys("max_users", "app_name", "session_ttl");
  }

  @Test
  void aTypedSubscriptionOnOneNodeHearsChangesMadeOnTheOther() {
    List<Boolean> maintenanceOnB = new CopyOnWriteArrayList<>();
    ChangeSubscription<?> subscription = onB.subscribe(MAINTENANCE, maintenanceOnB::add);
    try {
      onA.set(MAX_USERS, 7); // another setting: not reported to this subscription
      onA.set(MAINTENANCE, true);
      await().atMost(PROPAGATION).until(() -> maintenanceOnB.equals(List.of(true)));

      onA.reset(MAINTENANCE);

      await().atMost(PROPAGATION).until(() -> maintenanceOnB.equals(List.of(true, false)));
    } finally {
      subscription.close();
    }
  }

  @Test
  void aValueOfTheWrongTypeReadsAsTheDefault() {
    Setting<String> maxUsersAsText = Setting.ofString("max_users", "unlimited");
    onA.set(MAX_USERS, 42);

    await().atMost(PROPAGATION).until(() -> onB.get(MAX_USERS) == 42);
    assertThat(onB.get(maxUsersAsText)).isEqualTo("unlimited");
    assertThat(onB.all()).isEqualTo(Map.of("max_users", 42));
  }
}
