package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.Row;
import org.pgjcache.support.StubBackend;

/**
 * A heartbeat compares a full replica with only what changed since it was last found in line, and
 * falls back to the whole cache whenever revisions cannot tell: no mark yet, rows that left the
 * table, revisions that went back, too many changes, and every {@link ChangeWatch#WHOLE_EVERY}th
 * time. The mark lags by the time a revision may take to become visible.
 */
class ChangeWatchTest {

  private static final String CACHE = "c";

  private final Database database = new Database();
  private final Target target = new Target();
  private final Reconciler reconciler = new Reconciler(database);

  /** Where revisions stand, the changes it lists, and what it was asked. */
  private static final class Database extends StubBackend {
    long revision = 100;
    final Map<String, Long> cleared = new HashMap<>(Map.of(CACHE, 0L));
    final List<Coordination.Changed> changes = new ArrayList<>();
    final List<Long> askedAfter = new ArrayList<>();

    @Override
    public Coordination.Horizon horizon(Collection<String> caches) {
      return new Coordination.Horizon(revision, Map.copyOf(cleared));
    }

    @Override
    public List<Coordination.Changed> changedSince(String cache, long afterRev, int limit) {
      askedAfter.add(afterRev);
      return changes.stream().filter(c -> c.rev() > afterRev).limit(limit).toList();
    }

    @Override
    public Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys) {
      Map<String, Row> rows = new HashMap<>();
      for (Coordination.Changed c : changes) {
        if (keys.contains(c.key())) {
          rows.put(c.key(), new Row(c.key(), c.removed() ? null : new byte[] {1}, c.rev(), -1));
        }
      }
      return rows;
    }
  }

  /** A replica holding revisions by key, recording what it was asked to repair. */
  private static final class Target implements SyncTarget {
    final Map<String, Long> held = new HashMap<>();
    final List<String> repaired = new ArrayList<>();

    @Override
    public String cacheName() {
      return CACHE;
    }

    @Override
    public RevisionSums revisionSums() {
      throw new UnsupportedOperationException();
    }

    @Override
    public BucketSums checksums() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, Long> revisionsIn(int[] buckets) {
      throw new UnsupportedOperationException("a change comparison lists no buckets");
    }

    @Override
    public boolean knownUnreadable(String key, long rev) {
      return false;
    }

    @Override
    public Map<String, Long> heldRevisions(Collection<String> keys) {
      Map<String, Long> found = new HashMap<>();
      keys.forEach(
          k -> {
            if (held.containsKey(k)) {
              found.put(k, held.get(k));
            }
          });
      return found;
    }

    @Override
    public int repair(Collection<Row> rows, Map<String, Long> gone, Map<String, Long> before) {
      rows.forEach(r -> repaired.add(r.key()));
      gone.keySet().forEach(repaired::add);
      return rows.size() + gone.size();
    }

    @Override
    public void housekeeping() {}
  }

  private static Coordination.Changed value(String key, long rev) {
    return new Coordination.Changed(key, rev, false);
  }

  private static Coordination.Changed removal(String key, long rev) {
    return new Coordination.Changed(key, rev, true);
  }

  /** A watch without lag: every revision handed out before a heartbeat counts as visible. */
  private ChangeWatch watched() {
    ChangeWatch watch = new ChangeWatch(database, 0);
    watch.comparedWhole(target, watch.begin(Set.of(CACHE)));
    return watch;
  }

  @Test
  void aCacheNeverComparedWholeIsComparedWhole() {
    ChangeWatch watch = new ChangeWatch(database, 0);
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNull();
    assertThat(database.askedAfter).isEmpty();
  }

  @Test
  void afterAWholeComparisonOnlyWhatChangedAboveTheMarkIsListedAndOnlyWhatDiffersIsRead() {
    ChangeWatch watch = watched();
    target.held.put("same", 101L);
    target.held.put("stale", 90L);
    target.held.put("removedElsewhere", 95L);
    database.changes.addAll(
        List.of(
            value("same", 101),
            value("stale", 102),
            value("missing", 103),
            removal("removedElsewhere", 104),
            removal("neverHeld", 105)));
    database.revision = 105;

    Reconciler.Outcome outcome =
        watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler);

    assertThat(database.askedAfter).containsExactly(100L);
    assertThat(outcome.keysCompared()).isEqualTo(5);
    assertThat(target.repaired).containsExactlyInAnyOrder("stale", "missing", "removedElsewhere");
    database.changes.add(value("later", 106));
    database.revision = 106;
    watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler);
    assertThat(database.askedAfter).containsExactly(100L, 105L);
  }

  @Test
  void rowsThatLeftTheTableOrADestroyedCacheMakeTheNextComparisonWhole() {
    ChangeWatch watch = watched();
    database.cleared.put(CACHE, 101L);
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNull();
    watch.comparedWhole(target, watch.begin(Set.of(CACHE)));
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNotNull();
    database.cleared.remove(CACHE);
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNull();
  }

  @Test
  void revisionsThatWentBackMakeTheNextComparisonWhole() {
    ChangeWatch watch = watched();
    database.revision = 7; // a restored backup, a restarted sequence
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNull();
  }

  @Test
  void tooManyChangesMakeTheComparisonWhole() {
    ChangeWatch watch = watched();
    for (int i = 1; i <= ChangeWatch.MAX_CHANGES + 1; i++) {
      database.changes.add(value("k" + i, 100 + i));
    }
    database.revision = 100 + ChangeWatch.MAX_CHANGES + 1;
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNull();
    assertThat(target.repaired).isEmpty();
  }

  @Test
  void everyWholeEveryThComparisonIsWholeAnyway() {
    ChangeWatch watch = watched();
    for (int i = 1; i < ChangeWatch.WHOLE_EVERY; i++) {
      assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler))
          .as("comparison %d", i)
          .isNotNull();
    }
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNull();
    watch.comparedWhole(target, watch.begin(Set.of(CACHE)));
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNotNull();
  }

  @Test
  void theMarkLagsSoThatARevisionHandedOutBeforeItsCommitIsStillListed() {
    ChangeWatch watch = new ChangeWatch(database, 3_600_000);
    watch.comparedWhole(target, watch.begin(Set.of(CACHE)));
    database.revision = 150;
    watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler);
    database.revision = 200;
    watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler);
    // no horizon is an hour old yet: a transaction that took revision 101 may still commit
    assertThat(database.askedAfter).containsExactly(0L, 0L);
  }

  @Test
  void aForgottenCacheInstanceIsComparedWholeWhenItComesBack() {
    ChangeWatch watch = watched();
    watch.forget(target);
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNull();
  }

  @Test
  void anotherNodesWholeComparisonStandsInForTheNextNetOfThisOne() {
    ChangeWatch watch = watched();
    for (int i = 1; i < ChangeWatch.WHOLE_EVERY - 1; i++) {
      assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler)).isNotNull();
    }
    watch.comparedWholeElsewhere(target);
    for (int i = 1; i < ChangeWatch.WHOLE_EVERY; i++) {
      assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler))
          .as("comparison %d after the other node's", i)
          .isNotNull();
    }
    assertThat(watch.compareChanges(target, watch.begin(Set.of(CACHE)), reconciler))
        .as("with no other node's, its own net comes again")
        .isNull();
  }

  @Test
  void anotherNodesRepairBelowTheMarkIsListedFromItsRevisionWithoutMovingTheMark() {
    ChangeWatch watch = watched();
    database.changes.add(value("late", 40)); // became visible after the mark passed 40
    database.changes.add(value("recent", 101));
    database.revision = 101;

    Reconciler.Outcome outcome = watch.compareChangesFrom(target, reconciler, 40);

    assertThat(database.askedAfter).containsExactly(39L);
    assertThat(target.repaired).containsExactlyInAnyOrder("late", "recent");
    assertThat(outcome.lowestRev()).isEqualTo(40);
    watch.compareChangesFrom(target, reconciler, Long.MAX_VALUE);
    assertThat(database.askedAfter).as("no older revision asked: from the mark").endsWith(100L);
  }

  @Test
  void anInstanceWithoutAMarkLeavesAnotherNodesRepairToItsHeartbeat() {
    ChangeWatch watch = new ChangeWatch(database, 0);
    assertThat(watch.compareChangesFrom(target, reconciler, 40)).isNull();
    assertThat(database.askedAfter).isEmpty();
  }
}
