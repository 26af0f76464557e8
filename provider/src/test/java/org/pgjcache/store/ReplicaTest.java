package org.pgjcache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Workers;

/**
 * The replica's promises: a key's revision only grows, tombstones fence off late changes until
 * purged, reconciliation replaces exactly the entry it compared, and observer and hooks see each
 * change once, in the order of the key's changes.
 */
class ReplicaTest {

  private static final long NOW = 1_000_000;
  private static final long ETERNAL = Long.MAX_VALUE;

  private final Replica replica = new FullReplica();
  private final List<String> observed = new ArrayList<>();
  private final List<String> hooked = new ArrayList<>();
  private final ApplyHook hook =
      (key, applied) ->
          hooked.add(key + ":" + describe(applied.previous()) + "->" + describe(applied.current()));

  ReplicaTest() {
    replica.observe(
        (key, before, after) ->
            observed.add(key + ":" + describe(before) + "->" + describe(after)));
  }

  private static String describe(Versioned v) {
    if (v == null) {
      return "none";
    }
    return (v.isTombstone() ? "tombstone@" : v.held() + "@") + v.rev() + (v.counted() ? "" : "u");
  }

  private Applied put(String key, Object value, long rev) {
    return replica.apply(key, value, rev, ETERNAL, NOW, hook);
  }

  private Applied remove(String key, long rev) {
    return replica.apply(key, null, rev, ETERNAL, NOW, hook);
  }

  private String held(String key) {
    return describe(replica.get(key));
  }

  @Test
  void aNewerRevisionAppliesAndAnOlderOrEqualOneIsStale() {
    Applied first = put("k", "a", 5);
    assertThat(first.applied()).isTrue();
    assertThat(first.previous()).isNull();
    assertThat(first.current().held()).isEqualTo("a");
    assertThat(first.current().rev()).isEqualTo(5);

    assertThat(put("k", "same revision", 5).applied()).isFalse();
    assertThat(put("k", "older", 4).applied()).isFalse();
    assertThat(remove("k", 3).applied()).isFalse();
    assertThat(held("k")).isEqualTo("a@5");

    Applied newer = put("k", "b", 6);
    assertThat(newer.applied()).isTrue();
    assertThat(newer.hadValue()).isTrue();
    assertThat(newer.previous().held()).isEqualTo("a");
    assertThat(held("k")).isEqualTo("b@6");
    assertThat(hooked).containsExactly("k:none->a@5", "k:a@5->b@6");
  }

  @Test
  void aTombstoneFencesOffLateOlderChangesUntilItIsPurged() {
    put("k", "a", 5);
    Applied removed = remove("k", 7);
    assertThat(removed.applied()).isTrue();
    assertThat(removed.hadValue()).isTrue();
    Versioned tombstone = replica.get("k");
    assertThat(tombstone.isTombstone()).isTrue();
    assertThat(tombstone.rev()).isEqualTo(7);
    assertThat(tombstone.counted()).isFalse();
    assertThat(tombstone.expireAt()).isEqualTo(NOW + Replica.TOMBSTONE_MILLIS);
    assertThat(replica.keysWithValues()).isEmpty();

    assertThat(put("k", "late", 6).applied()).as("late change older than the removal").isFalse();
    assertThat(remove("k", 7).applied()).as("the removal again").isFalse();

    assertThat(replica.purgeTombstones(NOW + Replica.TOMBSTONE_MILLIS - 1)).isZero();
    assertThat(put("k", "late", 6).applied()).as("still fenced").isFalse();

    assertThat(replica.purgeTombstones(NOW + Replica.TOMBSTONE_MILLIS)).isEqualTo(1);
    assertThat(replica.get("k")).isNull();
    assertThat(put("k", "late", 6).applied()).as("no fence once purged").isTrue();
    assertThat(held("k")).isEqualTo("late@6");
  }

  @Test
  void aRemovalOfAnUnknownKeyLeavesATombstoneThatFencesToo() {
    Applied removed = remove("k", 4);
    assertThat(removed.applied()).isTrue();
    assertThat(removed.hadValue()).isFalse();
    assertThat(put("k", "late", 3).applied()).isFalse();
    assertThat(put("k", "newer", 5).applied()).isTrue();
    assertThat(hooked).containsExactly("k:none->tombstone@4u", "k:tombstone@4u->newer@5");
  }

  @Test
  void reconciliationReplacesExactlyTheComparedRevisionEvenWithALowerOne() {
    put("k", "ahead", 10);
    Applied overruled = replica.apply("k", "database", 5, ETERNAL, NOW, 10, hook);
    assertThat(overruled.applied()).isTrue();
    assertThat(overruled.previous().rev()).isEqualTo(10);
    assertThat(held("k")).isEqualTo("database@5");
    assertThat(hooked).containsExactly("k:none->ahead@10", "k:ahead@10->database@5");
    assertThat(observed).containsExactly("k:none->ahead@10", "k:ahead@10->database@5");

    assertThat(replica.apply("k", "again", 4, ETERNAL, NOW, 10, hook).applied())
        .as("the compared entry is gone")
        .isFalse();
    assertThat(replica.apply("k", "same", 5, ETERNAL, NOW, 5, hook).applied())
        .as("nothing to replace at the same revision")
        .isFalse();
    assertThat(replica.apply("absent", "x", 3, ETERNAL, NOW, 4, hook).applied())
        .as("nothing held at that revision")
        .isFalse();
    assertThat(replica.get("absent")).isNull();
    assertThat(held("k")).isEqualTo("database@5");
  }

  @Test
  void reconciliationNeverOverrulesAChangeAppliedMeanwhile() {
    put("k", "compared", 10);
    put("k", "meanwhile", 12);
    assertThat(replica.apply("k", "database", 5, ETERNAL, NOW, 10, hook).applied()).isFalse();
    assertThat(replica.apply("k", null, 11, ETERNAL, NOW, 10, hook).applied()).isFalse();
    assertThat(held("k")).isEqualTo("meanwhile@12");
  }

  @Test
  void reconciliationReplacesATombstoneAtTheComparedRevision() {
    remove("k", 9);
    Applied applied = replica.apply("k", "database", 8, ETERNAL, NOW, 9, hook);
    assertThat(applied.applied()).isTrue();
    assertThat(held("k")).isEqualTo("database@8");
  }

  @Test
  void touchMovesTheExpiryOfExactlyThatRevision() {
    replica.apply("k", "a", 5, 2_000, NOW, hook);
    assertThat(replica.touch("k", 4, 9_000)).isFalse();
    assertThat(replica.touch("absent", 5, 9_000)).isFalse();
    assertThat(replica.get("k").expireAt()).isEqualTo(2_000);

    assertThat(replica.touch("k", 5, 9_000)).isTrue();
    Versioned touched = replica.get("k");
    assertThat(touched.expireAt()).isEqualTo(9_000);
    assertThat(touched.rev()).isEqualTo(5);
    assertThat(touched.held()).isEqualTo("a");
    assertThat(touched.counted()).isTrue();

    remove("k", 6);
    long tombstoneExpiry = replica.get("k").expireAt();
    assertThat(replica.touch("k", 6, 9_000)).as("a tombstone").isFalse();
    assertThat(replica.get("k").expireAt()).isEqualTo(tombstoneExpiry);
    assertThat(observed)
        .as("a touch changes nothing counted")
        .containsExactly("k:none->a@5", "k:a@5->none");
  }

  @Test
  void dropAtLeavesACountedTombstoneThatAHigherRemovalReplacesSilently() {
    put("k", "a", 5);
    assertThat(replica.dropAt("k", 4, NOW, hook)).as("another revision").isFalse();
    assertThat(replica.dropAt("absent", 5, NOW, hook)).isFalse();
    assertThat(replica.dropAt("k", 5, NOW, hook)).isTrue();
    assertThat(held("k")).isEqualTo("tombstone@5");
    assertThat(replica.get("k").expireAt()).isEqualTo(NOW + Replica.TOMBSTONE_MILLIS);
    assertThat(replica.dropAt("k", 5, NOW, hook)).as("already dropped").isFalse();
    assertThat(replica.keysWithValues()).isEmpty();

    assertThat(replica.purgeTombstones(ETERNAL)).as("the database still holds it").isZero();
    assertThat(held("k")).isEqualTo("tombstone@5");
    assertThat(put("k", "late", 5).applied()).isFalse();

    Applied removal = remove("k", 8);
    assertThat(removal.applied()).isTrue();
    assertThat(removal.hadValue()).as("the removal is no news").isFalse();
    assertThat(replica.purgeTombstones(ETERNAL)).isEqualTo(1);

    assertThat(hooked)
        .containsExactly("k:none->a@5", "k:a@5->tombstone@5", "k:tombstone@5->tombstone@8u");
    assertThat(observed).containsExactly("k:none->a@5", "k:tombstone@5->none");
  }

  @Test
  void forgetAtLeavesAnUncountedTombstone() {
    put("value", "a", 5);
    put("dropped", "b", 6);
    replica.dropAt("dropped", 6, NOW, ApplyHook.NONE);
    remove("removed", 7);
    hooked.clear();
    observed.clear();

    assertThat(replica.forgetAt("value", 4, NOW, hook)).as("another revision").isFalse();
    assertThat(replica.forgetAt("removed", 7, NOW, hook)).as("nothing counted").isFalse();
    assertThat(replica.forgetAt("absent", 1, NOW, hook)).isFalse();
    assertThat(hooked).isEmpty();
    assertThat(observed).isEmpty();

    assertThat(replica.forgetAt("value", 5, NOW, hook)).isTrue();
    assertThat(replica.forgetAt("dropped", 6, NOW, hook)).isTrue();
    assertThat(held("value")).isEqualTo("tombstone@5u");
    assertThat(held("dropped")).isEqualTo("tombstone@6u");
    assertThat(replica.get("value").expireAt()).isEqualTo(NOW + Replica.TOMBSTONE_MILLIS);
    assertThat(hooked)
        .as("only a value that went away is a removal")
        .containsExactly("value:a@5->tombstone@5u");
    assertThat(observed).containsExactly("value:a@5->none", "dropped:tombstone@6->none");

    assertThat(put("value", "late", 4).applied()).as("still fenced").isFalse();
    assertThat(replica.purgeTombstones(NOW + Replica.TOMBSTONE_MILLIS)).isEqualTo(3);
  }

  @Test
  void clearUpToDropsWhatWasWrittenAtOrBeforeItsRevision() {
    put("a", "1", 3);
    put("b", "2", 5);
    put("c", "3", 6);
    replica.dropAt("c", 6, NOW, ApplyHook.NONE);
    remove("d", 4);
    put("e", "later", 8);
    observed.clear();

    replica.clearUpTo(6);

    assertThat(replica.get("a")).isNull();
    assertThat(replica.get("b")).isNull();
    assertThat(replica.get("c")).isNull();
    assertThat(replica.get("d")).isNull();
    assertThat(held("e")).isEqualTo("later@8");
    assertThat(observed)
        .containsExactlyInAnyOrder("a:1@3->none", "b:2@5->none", "c:tombstone@6->none");
  }

  @Test
  void purgeTombstonesForgetsOnlyExpiredUncountedTombstones() {
    remove("old", 1);
    replica.apply("young", null, 2, ETERNAL, NOW + 10, hook);
    put("counted", "x", 3);
    replica.dropAt("counted", 3, NOW, ApplyHook.NONE);
    put("value", "y", 4);

    assertThat(replica.purgeTombstones(NOW + Replica.TOMBSTONE_MILLIS)).isEqualTo(1);
    assertThat(replica.get("old")).isNull();
    assertThat(held("young")).isEqualTo("tombstone@2u");
    assertThat(held("counted")).isEqualTo("tombstone@3");
    assertThat(held("value")).isEqualTo("y@4");
  }

  @Test
  void theObserverSeesExactlyTheCountedChanges() {
    put("k", "a", 1);
    put("k", "stale", 1);
    put("k", "b", 2);
    replica.touch("k", 2, 5_000);
    put("local", new LocalOnly("x"), 3);
    replica.replaceLocal("k", new LocalOnly("y"), ETERNAL, hook);
    put("unrevised", "z", 0);
    replica.dropAt("k", 2, NOW, ApplyHook.NONE);
    remove("k", 4);
    put("m", "c", 5);
    replica.forgetAt("m", 5, NOW, ApplyHook.NONE);
    put("n", "d", 6);
    Map<String, String> counted = new HashMap<>();
    replica.forEachCounted((key, v) -> counted.put((String) key, describe(v)));
    assertThat(counted).containsExactly(Map.entry("n", "d@6"));
    replica.clear();

    assertThat(observed)
        .containsExactly(
            "k:none->a@1",
            "k:a@1->b@2",
            "k:tombstone@2->none",
            "m:none->c@5",
            "m:c@5->none",
            "n:none->d@6",
            "n:d@6->none");
    assertThat(replica.get("local")).isNull();
  }

  @Test
  void hooksRunOncePerAppliedChangeInTheKeysOrderUnderConcurrency() throws Exception {
    int threads = 4;
    int revisions = 20_000;
    List<Long> seen = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    ApplyHook recording =
        (key, applied) -> {
          long previous = applied.previous() == null ? 0 : applied.previous().rev();
          long last = seen.isEmpty() ? 0 : seen.get(seen.size() - 1);
          if (previous != last || replica.get(key) != applied.current()) {
            broken.add(
                "rev " + applied.current().rev() + " after " + previous + ", hook saw " + last);
          }
          seen.add(applied.current().rev());
        };
    AtomicInteger applied = new AtomicInteger();
    try (Workers workers = new Workers()) {
      for (int t = 0; t < threads; t++) {
        int first = t + 1;
        workers.add(
            () -> {
              for (long rev = first; rev <= revisions; rev += threads) {
                Object value = rev % 7 == 0 ? null : "v" + rev;
                if (replica.apply("k", value, rev, ETERNAL, NOW, recording).applied()) {
                  applied.incrementAndGet();
                }
              }
            });
      }
      workers.start();
      workers.join(Duration.ofMinutes(1));
    }
    assertThat(replica.get("k").rev()).isEqualTo(revisions);
    assertThat(broken).isEmpty();
    assertThat(seen).hasSize(applied.get()).isSorted().doesNotHaveDuplicates();
    assertThat(seen.get(seen.size() - 1)).isEqualTo(revisions);
  }
}
