package org.pgjcache.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgjcache.backend.Row;

/**
 * Brings one replica in line with the database at the cost of what differs, not of the cache: from
 * the buckets whose checksums disagree, it lists the database's {@code (key, revision)} pairs,
 * compares them with the replica's, and reads only the rows where the database is ahead or where
 * the replica holds a key the database lacks.
 *
 * <p>Every key whose revision differs, in either direction, is read again. Changes still in flight
 * (committed, notification not yet applied) look like divergence for a moment; reading them is
 * harmless, because the replica applies a newer row only. Where the replica is ahead of the
 * listing, the row read afterwards tells a change committed meanwhile (the row has caught up) from
 * a replica ahead of the database (a restored backup, a notification the database never committed):
 * then the database's row replaces exactly the entry that was compared, never one applied
 * meanwhile.
 */
final class Reconciler {

  /** Keys per statement when reading rows. */
  static final int CHUNK = 1000;

  private final Coordination backend;

  Reconciler(Coordination backend) {
    this.backend = backend;
  }

  /**
   * What one reconciliation did.
   *
   * @param lowestRev the lowest revision among the rows read, 0 when none was: other nodes whose
   *     marks passed it are told to compare the changes from there (see {@link
   *     SyncTarget#announceCompared})
   */
  record Outcome(int buckets, int keysCompared, int rowsRead, int repaired, long lowestRev) {

    static final Outcome NONE = new Outcome(0, 0, 0, 0, 0);

    Outcome(int buckets, int keysCompared, Map<String, Row> rows, int repaired) {
      this(buckets, keysCompared, rows.size(), repaired, lowest(rows.values()));
    }

    private static long lowest(Iterable<Row> rows) {
      long lowest = 0;
      for (Row row : rows) {
        if (lowest == 0 || row.rev() < lowest) {
          lowest = row.rev();
        }
      }
      return lowest;
    }
  }

  Outcome reconcile(SyncTarget target, BucketSums database, BucketSums replica) {
    int[] buckets = replica.divergentBuckets(database);
    if (buckets.length == 0) {
      return Outcome.NONE;
    }
    String cache = target.cacheName();
    Map<String, Long> theirs = backend.revisionsInBuckets(cache, buckets);
    Map<String, Long> mine = target.revisionsIn(buckets);
    Set<String> toRead = new LinkedHashSet<>();
    for (Map.Entry<String, Long> e : theirs.entrySet()) {
      Long held = mine.get(e.getKey());
      if ((held == null || held.longValue() != e.getValue())
          && !target.knownUnreadable(e.getKey(), e.getValue())) {
        toRead.add(e.getKey());
      }
    }
    for (String key : mine.keySet()) {
      if (!theirs.containsKey(key)) {
        toRead.add(key);
      }
    }
    int keysCompared = theirs.size() + mine.size();
    if (toRead.isEmpty()) {
      return new Outcome(buckets.length, keysCompared, 0, 0, 0);
    }
    Map<String, Long> before = target.heldRevisions(toRead);
    Map<String, Row> rows = read(cache, toRead);
    Map<String, Long> gone = new HashMap<>();
    for (String key : toRead) {
      Long held = mine.get(key);
      if (!rows.containsKey(key) && held != null) {
        gone.put(key, held);
      }
    }
    int repaired = target.repair(rows.values(), gone, before);
    return new Outcome(buckets.length, keysCompared, rows, repaired);
  }

  /**
   * Reconciles a bounded replica: compares the revisions of the keys it holds with the database's
   * ({@code key = any(?)}, a chunk at a time) and reads only the rows that differ. A held value the
   * database has no row for is gone; a held tombstone (or absent key) the database has a newer row
   * for is read. Reads at most what the replica holds, whatever the size of the table.
   */
  Outcome reconcileHeld(SyncTarget target) {
    Map<String, Long> values = target.allHeldRevisions(false);
    Map<String, Long> mine = new HashMap<>(target.allHeldRevisions(true));
    mine.putAll(values);
    if (mine.isEmpty()) {
      return Outcome.NONE;
    }
    String cache = target.cacheName();
    Map<String, Long> theirs = new HashMap<>();
    List<String> chunk = new ArrayList<>(Math.min(CHUNK, mine.size()));
    for (String key : mine.keySet()) {
      chunk.add(key);
      if (chunk.size() == CHUNK) {
        theirs.putAll(backend.revisionsOf(cache, chunk));
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      theirs.putAll(backend.revisionsOf(cache, chunk));
    }
    Set<String> toRead = new LinkedHashSet<>();
    for (Map.Entry<String, Long> e : mine.entrySet()) {
      Long db = theirs.get(e.getKey());
      if (db == null
          ? values.containsKey(e.getKey())
          : db.longValue() != e.getValue() && !target.knownUnreadable(e.getKey(), db)) {
        toRead.add(e.getKey());
      }
    }
    return repairKeys(target, toRead, mine.size());
  }

  /**
   * Reconciles a full replica against the rows changed since it was last found in line ({@link
   * Coordination#changedSince}): reads only the keys whose revision it does not hold (a value it
   * lacks or holds at another revision, a removal of a key it holds at another revision). The cost
   * is what changed, whatever the size of the cache.
   */
  Outcome reconcileChanged(SyncTarget target, List<Coordination.Changed> changed) {
    if (changed.isEmpty()) {
      return Outcome.NONE;
    }
    Map<String, Coordination.Changed> latest = new HashMap<>();
    for (Coordination.Changed c : changed) {
      latest.merge(c.key(), c, (a, b) -> a.rev() >= b.rev() ? a : b);
    }
    Map<String, Long> held = target.heldRevisions(latest.keySet());
    Set<String> toRead = new LinkedHashSet<>();
    for (Coordination.Changed c : latest.values()) {
      Long h = held.get(c.key());
      boolean differs =
          c.removed()
              ? h != null && h.longValue() != c.rev()
              : h == null || h.longValue() != c.rev();
      if (differs && !target.knownUnreadable(c.key(), c.rev())) {
        toRead.add(c.key());
      }
    }
    return repairKeys(target, toRead, latest.size());
  }

  /**
   * Reads {@code toRead} (after noting what the replica holds for them) and repairs the replica: a
   * held key the database has no row for is gone.
   */
  private Outcome repairKeys(SyncTarget target, Set<String> toRead, int keysCompared) {
    if (toRead.isEmpty()) {
      return new Outcome(0, keysCompared, 0, 0, 0);
    }
    Map<String, Long> before = target.heldRevisions(toRead);
    Map<String, Row> rows = read(target.cacheName(), toRead);
    Map<String, Long> gone = new HashMap<>();
    for (String key : toRead) {
      Long held = before.get(key);
      if (!rows.containsKey(key) && held != null) {
        gone.put(key, held);
      }
    }
    int repaired = target.repair(rows.values(), gone, before);
    return new Outcome(0, keysCompared, rows, repaired);
  }

  private Map<String, Row> read(String cache, Set<String> keys) {
    Map<String, Row> rows = new HashMap<>();
    List<String> chunk = new ArrayList<>(Math.min(CHUNK, keys.size()));
    for (String key : keys) {
      chunk.add(key);
      if (chunk.size() == CHUNK) {
        rows.putAll(backend.rowsOrTombstones(cache, chunk));
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      rows.putAll(backend.rowsOrTombstones(cache, chunk));
    }
    return rows;
  }
}
