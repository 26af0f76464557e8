package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.agent;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;
import static org.pgjcache.sync.SyncFixtures.update;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.postgres.LostNotifications;
import org.pgjcache.support.Nodes;

/**
 * In steady state a heartbeat compares a full replica with the rows changed since it was last found
 * in line (one range of the {@code (cache, rev)} index), not with the whole cache; whatever
 * revisions cannot show (a missed clear, rows deleted or truncated by hand) still reaches every
 * node at the next heartbeat, as it did when every heartbeat compared whole caches.
 */
class ChangeComparisonTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** How many heartbeats node {@code m} began until {@code done} held. */
  private static long beatsUntil(CacheManager m, java.util.function.BooleanSupplier done) {
    long before = agent(m).heartbeats();
    long[] at = new long[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              at[0] = agent(m).heartbeats();
              return done.getAsBoolean();
            });
    return at[0] - before;
  }

  private static Map<String, String> entries(int n) {
    Map<String, String> all = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      all.put("k" + i, "v" + i);
    }
    return all;
  }

  @Test
  void steadyHeartbeatsCompareChangesAndStillRepairWhatWasMissed() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("changes")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
      Cache<String, String> a = am.createCache("c", strings());
      Cache<String, String> b = bm.createCache("c", strings());
      a.putAll(entries(2000));
      await().atMost(WAIT).until(() -> "v1999".equals(b.get("k1999")));

      // steady state: after the first whole comparison, heartbeats compare changes
      long wholeBefore = agent(bm).wholeComparisons();
      long changesBefore = agent(bm).changeComparisons();
      await()
          .atMost(WAIT)
          .until(
              () -> agent(bm).changeComparisons() - changesBefore >= 2 * ChangeWatch.WHOLE_EVERY);
      long whole = agent(bm).wholeComparisons() - wholeBefore;
      long changes = agent(bm).changeComparisons() - changesBefore;
      assertThat(whole)
          .as("whole comparisons beside %d of changes", changes)
          .isLessThanOrEqualTo(4);

      // missed puts and removals: repaired by reading only the keys that changed
      LostNotifications.drop(bm, true);
      long rowsBefore = agent(bm).rowsRead();
      for (int i = 0; i < 100; i++) {
        a.put("k" + i, "changed" + i);
      }
      a.remove("k1500");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("k99")).isEqualTo("changed99");
                assertThat(b.get("k0")).isEqualTo("changed0");
                assertThat(b.containsKey("k1500")).isFalse();
              });
      assertThat(agent(bm).rowsRead() - rowsBefore).as("rows read to repair").isLessThan(200);

      // rows gone by hand, and a clear b did not hear: no newer row shows them, yet b learns at
      // the next heartbeat, not at the next whole comparison due every WHOLE_EVERY heartbeats
      assertThat(update(nodes, "delete from pgjcache_entries where key = 's:k1000'")).isOne();
      assertThat(beatsUntil(bm, () -> !b.containsKey("k1000"))).isLessThanOrEqualTo(3);
      a.clear();
      assertThat(beatsUntil(bm, () -> !b.containsKey("k5"))).isLessThanOrEqualTo(3);
      assertThat(b.iterator().hasNext()).isFalse();
      a.put("after", "clear");
      await().atMost(WAIT).until(() -> "clear".equals(b.get("after")));
      update(nodes, "truncate pgjcache_entries");
      assertThat(beatsUntil(bm, () -> !b.containsKey("after"))).isLessThanOrEqualTo(3);
      LostNotifications.drop(bm, false);
      sync(bm).heartbeatNow();
      assertThat(sync(bm).matched()).isTrue();
    }
  }
}
