package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.Row;
import org.pgjcache.support.StubBackend;

/**
 * The reconciler lists only divergent buckets, reads exactly the keys whose revisions differ (in
 * either direction) in chunks, after asking what the replica holds, and reports the keys the
 * database lacks as gone.
 */
class ReconcilerTest {

  private static final String CACHE = "c";
  private static final byte[] VALUE = {1};

  /** Everything the fakes were asked, in order. */
  private final List<String> calls = new ArrayList<>();

  private final Database database = new Database();
  private final Target target = new Target();
  private final Reconciler reconciler = new Reconciler(database);

  /** Entries holding a value (key to revision), the table's removals, and what was read. */
  private final class Database extends StubBackend {
    final Map<String, Long> values = new LinkedHashMap<>();
    final Map<String, Long> tombstones = new HashMap<>();
    final List<List<String>> chunks = new ArrayList<>();

    @Override
    public Map<String, Long> revisionsInBuckets(String cache, int[] buckets) {
      assertThat(cache).isEqualTo(CACHE);
      calls.add("revisionsInBuckets");
      return inBuckets(values, buckets);
    }

    @Override
    public Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys) {
      assertThat(cache).isEqualTo(CACHE);
      calls.add("rowsOrTombstones");
      chunks.add(List.copyOf(keys));
      Map<String, Row> rows = new HashMap<>();
      for (String key : keys) {
        if (values.containsKey(key)) {
          rows.put(key, new Row(key, VALUE, values.get(key), Row.ETERNAL));
        } else if (tombstones.containsKey(key)) {
          rows.put(key, new Row(key, null, tombstones.get(key), Row.ETERNAL));
        }
      }
      return rows;
    }
  }

  /** A replica's counted entries, and what it was asked to repair. */
  private final class Target implements SyncTarget {
    final Map<String, Long> counted = new LinkedHashMap<>();
    final Set<String> unreadable = new HashSet<>();
    Collection<String> askedHeld;
    Collection<Row> rows;
    Map<String, Long> gone;
    Map<String, Long> before;

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
      return sums(counted);
    }

    @Override
    public Map<String, Long> revisionsIn(int[] buckets) {
      calls.add("revisionsIn");
      return inBuckets(counted, buckets);
    }

    @Override
    public boolean knownUnreadable(String key, long rev) {
      return unreadable.contains(key + "@" + rev);
    }

    @Override
    public Map<String, Long> heldRevisions(Collection<String> keys) {
      calls.add("heldRevisions");
      askedHeld = List.copyOf(keys);
      Map<String, Long> held = new HashMap<>();
      for (String key : keys) {
        if (counted.containsKey(key)) {
          held.put(key, counted.get(key));
        }
      }
      return held;
    }

    @Override
    public int repair(Collection<Row> rows, Map<String, Long> gone, Map<String, Long> before) {
      calls.add("repair");
      this.rows = List.copyOf(rows);
      this.gone = Map.copyOf(gone);
      this.before = Map.copyOf(before);
      return 42;
    }

    @Override
    public void housekeeping() {
      throw new UnsupportedOperationException();
    }
  }

  private static Map<String, Long> inBuckets(Map<String, Long> entries, int[] buckets) {
    Map<String, Long> found = new HashMap<>();
    entries.forEach(
        (key, rev) -> {
          if (Arrays.stream(buckets).anyMatch(b -> b == Checksums.bucket(key))) {
            found.put(key, rev);
          }
        });
    return found;
  }

  private static BucketSums sums(Map<String, Long> entries) {
    long[] counts = new long[Checksums.BUCKETS];
    long[] sums = new long[Checksums.BUCKETS];
    entries.forEach(
        (key, rev) -> {
          counts[Checksums.bucket(key)]++;
          sums[Checksums.bucket(key)] += Checksums.hash(key, rev);
        });
    return new BucketSums(counts, sums);
  }

  private Reconciler.Outcome reconcile() {
    return reconciler.reconcile(target, sums(database.values), sums(target.counted));
  }

  private static Map<String, Long> revisions(Collection<Row> rows) {
    Map<String, Long> found = new HashMap<>();
    rows.forEach(row -> found.put(row.key(), row.rev()));
    return found;
  }

  /** Puts the same entries on both sides. */
  private void agreeing(int count) {
    for (int i = 0; i < count; i++) {
      database.values.put("s:same" + i, (long) i + 1);
      target.counted.put("s:same" + i, (long) i + 1);
    }
  }

  @Test
  void nothingIsReadWhenTheBucketsAgree() {
    agreeing(200);
    assertThat(reconcile()).isEqualTo(Reconciler.Outcome.NONE);
    assertThat(calls).isEmpty();
  }

  @Test
  void readsTheKeysWhoseRevisionDiffersInEitherDirection() {
    agreeing(200);
    database.values.put("s:behind", 10L);
    target.counted.put("s:behind", 7L);
    database.values.put("s:ahead", 3L);
    target.counted.put("s:ahead", 9L);
    database.values.put("s:missing", 5L);

    Reconciler.Outcome outcome = reconcile();

    Set<String> differing = Set.of("s:behind", "s:ahead", "s:missing");
    assertThat(database.chunks).hasSize(1);
    assertThat(database.chunks.get(0)).containsExactlyInAnyOrderElementsOf(differing);
    assertThat(target.askedHeld).containsExactlyInAnyOrderElementsOf(differing);
    assertThat(revisions(target.rows))
        .isEqualTo(Map.of("s:behind", 10L, "s:ahead", 3L, "s:missing", 5L));
    assertThat(target.gone).isEmpty();
    assertThat(target.before).isEqualTo(Map.of("s:behind", 7L, "s:ahead", 9L));

    int[] divergent = sums(target.counted).divergentBuckets(sums(database.values));
    assertThat(outcome.buckets()).isEqualTo(divergent.length);
    assertThat(outcome.keysCompared())
        .isEqualTo(
            inBuckets(database.values, divergent).size()
                + inBuckets(target.counted, divergent).size());
    assertThat(outcome.rowsRead()).isEqualTo(3);
    assertThat(outcome.repaired()).isEqualTo(42);
  }

  @Test
  void keysTheDatabaseLacksAreReportedGoneWithTheRevisionHeld() {
    agreeing(50);
    target.counted.put("s:deletedBySql", 4L);
    target.counted.put("s:removed", 6L);
    database.tombstones.put("s:removed", 8L);

    Reconciler.Outcome outcome = reconcile();

    assertThat(database.chunks).hasSize(1);
    assertThat(database.chunks.get(0)).containsExactlyInAnyOrder("s:deletedBySql", "s:removed");
    assertThat(target.gone).isEqualTo(Map.of("s:deletedBySql", 4L));
    assertThat(target.rows)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.key()).isEqualTo("s:removed");
              assertThat(row.value()).isNull();
              assertThat(row.rev()).isEqualTo(8);
            });
    assertThat(outcome.rowsRead()).isEqualTo(1);
  }

  @Test
  void keysKnownUnreadableAreNotReadAgainUntilTheirRevisionChanges() {
    agreeing(50);
    database.values.put("s:bomb", 11L);
    target.unreadable.add("s:bomb@11");

    Reconciler.Outcome outcome = reconcile();

    assertThat(calls).containsExactly("revisionsInBuckets", "revisionsIn");
    assertThat(outcome.buckets()).isEqualTo(1);
    assertThat(outcome.rowsRead()).isZero();
    assertThat(outcome.repaired()).isZero();

    calls.clear();
    database.values.put("s:bomb", 12L);
    reconcile();
    assertThat(database.chunks).containsExactly(List.of("s:bomb"));
    assertThat(revisions(target.rows)).isEqualTo(Map.of("s:bomb", 12L));
  }

  @Test
  void heldRevisionsAreAskedBeforeTheRowsAreRead() {
    database.values.put("s:new", 1L);
    reconcile();
    assertThat(calls)
        .containsExactly(
            "revisionsInBuckets", "revisionsIn", "heldRevisions", "rowsOrTombstones", "repair");
  }

  @Test
  void rowsAreReadInChunks() {
    int keys = 2 * Reconciler.CHUNK + 500;
    for (int i = 0; i < keys; i++) {
      database.values.put("s:k" + i, (long) i + 1);
    }
    target.counted.put("s:onlyHere", 3L);

    Reconciler.Outcome outcome = reconcile();

    assertThat(database.chunks)
        .allSatisfy(chunk -> assertThat(chunk).hasSizeLessThanOrEqualTo(Reconciler.CHUNK));
    assertThat(database.chunks).hasSize(3);
    List<String> read = new ArrayList<>();
    database.chunks.forEach(read::addAll);
    Set<String> expected = new HashSet<>(database.values.keySet());
    expected.add("s:onlyHere");
    assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    assertThat(outcome.rowsRead()).isEqualTo(keys);
    assertThat(target.gone).isEqualTo(Map.of("s:onlyHere", 3L));
    assertThat(calls)
        .containsExactly(
            "revisionsInBuckets",
            "revisionsIn",
            "heldRevisions",
            "rowsOrTombstones",
            "rowsOrTombstones",
            "rowsOrTombstones",
            "repair");
  }
}
