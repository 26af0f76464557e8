package org.pgjcache.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.BucketSums;
import org.pgjcache.backend.Row;

/**
 * Brings one replica in line with the database at the cost of what differs, not of the cache: from
 * the buckets whose checksums disagree, it lists the database's {@code (key, revision)} pairs,
 * compares them with the replica's, and reads only the rows where the database is ahead or where
 * the replica holds a key the database lacks.
 *
 * <p>Every key whose revision differs, in either direction, is read again. Changes still in flight
 * (committed, notification not yet applied) look like divergence for a moment; reading them is
 * harmless, because the replica applies a newer row only. Where the replica is ahead of the listing,
 * the row read afterwards tells a change committed meanwhile (the row has caught up) from a replica
 * ahead of the database (a restored backup, a notification the database never committed): then the
 * database's row replaces exactly the entry that was compared, never one applied meanwhile.
 */
final class Reconciler {

  /** Keys per statement when reading rows. */
  static final int CHUNK = 1000;

  private final Backend backend;

  Reconciler(Backend backend) {
    this.backend = backend;
  }

  /** What one reconciliation did. */
  record Outcome(int buckets, int keysCompared, int rowsRead, int repaired) {

    static final Outcome NONE = new Outcome(0, 0, 0, 0);
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
      return new Outcome(buckets.length, keysCompared, 0, 0);
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
    return new Outcome(buckets.length, keysCompared, rows.size(), repaired);
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
