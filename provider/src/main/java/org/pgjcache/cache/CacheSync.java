package org.pgjcache.cache;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.event.EventType;
import org.pgjcache.backend.Row;
import org.pgjcache.codec.CorruptDataException;
import org.pgjcache.event.EventBatch;
import org.pgjcache.store.Applied;
import org.pgjcache.store.ApplyHook;
import org.pgjcache.store.Replica;
import org.pgjcache.store.Versioned;
import org.pgjcache.sync.BucketSums;
import org.pgjcache.sync.Checksums;
import org.pgjcache.sync.ReplicaDigest;
import org.pgjcache.sync.RevisionSums;
import org.pgjcache.sync.SyncAgent;
import org.pgjcache.sync.SyncTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache instance's side of the heartbeat: its replica's running checksum, and the repair of
 * entries the heartbeat found different, applied through {@link CacheCore} like any other committed
 * change so that listeners hear about them.
 */
final class CacheSync<K, V> implements SyncTarget {

  private static final Logger LOG = LoggerFactory.getLogger(CacheSync.class);

  /** Unreadable keys remembered, at most; beyond that they are simply read again. */
  private static final int MAX_UNREADABLE = 10_000;

  private final CacheCore<K, V> core;
  private final SyncAgent agent;
  private final ReplicaDigest digest;
  private final Map<String, Long> unreadable = new ConcurrentHashMap<>();
  private final AtomicLong skipped = new AtomicLong();
  private volatile SyncAgent.Registration registration;

  /** Starts counting the replica; call before anything is loaded into it. */
  CacheSync(CacheCore<K, V> core, SyncAgent agent) {
    this.core = core;
    this.agent = agent;
    this.digest = new ReplicaDigest(core.name, core.keys::encode);
    if (core.replica.holdsAll()) {
      core.replica.observe(digest);
    }
  }

  @Override
  public Replica.TierStats localTier() {
    return core.replica.tierStats();
  }

  @Override
  public boolean bounded() {
    return !core.replica.holdsAll();
  }

  @Override
  public Map<String, Long> allHeldRevisions(boolean tombstones) {
    Map<String, Long> held = new HashMap<>();
    core.replica.forEachHeld(
        (key, entry) -> {
          if (tombstones ? entry.isTombstone() : entry.counted() && !entry.isTombstone()) {
            try {
              held.put(core.keys.encode(key), entry.rev());
            } catch (RuntimeException e) {
              LOG.debug(
                  "cache '{}': a held key cannot be encoded; not compared: {}",
                  core.name,
                  e.toString());
            }
          }
        });
    return held;
  }

  /** Joins the heartbeat (once the replica is loaded). */
  void start() {
    registration = agent.register(this);
  }

  /** Leaves the heartbeat. */
  void stop() {
    SyncAgent.Registration current = registration;
    if (current != null) {
      current.close();
    }
  }

  /** Asks for a reconciliation soon: changes of this cache may have been missed. */
  void requestCheck() {
    agent.requestCheck();
  }

  /**
   * Another node compared this cache: compare what changed in it soon if it repaired rows, without
   * a whole comparison (see {@link SyncAgent#comparedElsewhere}).
   */
  void comparedElsewhere(long repairedFrom, boolean whole) {
    agent.comparedElsewhere(core.name, repairedFrom, whole);
  }

  @Override
  public void announceCompared(long repairedFrom, boolean whole) {
    core.feed.announceCompared(core.name, core.origin(), repairedFrom, whole);
  }

  /** Rows the heartbeat could not decode and skipped. */
  long skipped() {
    return skipped.get();
  }

  @Override
  public String cacheName() {
    return core.name;
  }

  @Override
  public RevisionSums revisionSums() {
    return digest.revisionSums();
  }

  @Override
  public BucketSums checksums() {
    return digest.snapshot();
  }

  @Override
  public Map<String, Long> revisionsIn(int[] buckets) {
    boolean[] wanted = new boolean[Checksums.BUCKETS];
    for (int bucket : buckets) {
      wanted[bucket] = true;
    }
    Map<String, Long> found = new HashMap<>();
    core.replica.forEachCounted(
        (key, held) -> {
          String text;
          try {
            text = core.keys.encode(key);
          } catch (RuntimeException e) {
            LOG.debug(
                "cache '{}': a held key cannot be encoded; not compared: {}",
                core.name,
                e.toString());
            return;
          }
          if (wanted[Checksums.bucket(text)]) {
            found.put(text, held.rev());
          }
        });
    return found;
  }

  @Override
  public boolean knownUnreadable(String key, long rev) {
    Long known = unreadable.get(key);
    return known != null && known == rev;
  }

  @Override
  public Map<String, Long> heldRevisions(Collection<String> keys) {
    Map<String, Long> held = new HashMap<>();
    for (String text : keys) {
      try {
        Versioned entry = core.replica.get(core.keys.decode(text));
        if (entry != null) {
          held.put(text, entry.rev());
        }
      } catch (CorruptDataException e) {
        LOG.debug("cache '{}': a compared key cannot be decoded: {}", core.name, e.toString());
      }
    }
    return held;
  }

  @Override
  @SuppressWarnings("unchecked")
  public int repair(Collection<Row> rows, Map<String, Long> gone, Map<String, Long> before) {
    EventBatch batch = new EventBatch();
    long now = core.now();
    int changed = 0;
    int ahead = 0;
    for (Row row : rows) {
      K key;
      try {
        key = (K) core.keys.decode(row.key());
      } catch (CorruptDataException e) {
        remember(row, e);
        continue;
      }
      Long compared = before.get(row.key());
      long over = compared != null && compared > row.rev() ? compared : Replica.REPAIR;
      if (over != Replica.REPAIR) {
        ahead++;
      }
      if (row.value() == null) {
        Applied applied = core.applyRemoval(key, row.rev(), EventType.REMOVED, now, over, batch);
        changed +=
            applied.applied() && applied.previous() != null && applied.previous().counted() ? 1 : 0;
      } else if (row.expiredAt(now)) {
        // gone by the time we see it: hold it (it still counts), its EXPIRED event comes with the
        // next read or the reaper, and no CREATED or UPDATED is raised for a value nobody can read
        changed +=
            core.replica
                    .apply(
                        key,
                        core.forms.holdEncoded(row.value()),
                        row.rev(),
                        row.expireAt(),
                        now,
                        over,
                        ApplyHook.NONE)
                    .applied()
                ? 1
                : 0;
      } else {
        changed +=
            core.applyValue(
                        key,
                        core.forms.holdEncoded(row.value()),
                        row.rev(),
                        row.expireAt(),
                        now,
                        over,
                        batch)
                    .applied()
                ? 1
                : 0;
      }
    }
    for (Map.Entry<String, Long> e : gone.entrySet()) {
      try {
        Object key = core.keys.decode(e.getKey());
        changed +=
            core.replica.forgetAt(key, e.getValue(), now, core.removalHook(now, batch)) ? 1 : 0;
      } catch (CorruptDataException ex) {
        LOG.warn(
            "cache '{}': cannot decode a held key while repairing: {}", core.name, ex.getMessage());
      }
    }
    if (ahead > 0) {
      LOG.warn(
          "cache '{}': this node held {} entries at revisions the database does not have (a"
              + " restored or rewound database, or changes it never committed); took the database's",
          core.name,
          ahead);
    }
    // listeners hear repairs where they hear other nodes' changes, so that one that blocks holds up
    // its own cache only, never the heartbeat of every cache
    core.feed.runInOrder(
        core.name,
        () -> {
          try {
            batch.fire();
          } catch (RuntimeException e) {
            LOG.warn("cache '{}': a synchronous listener failed on a repaired entry", core.name, e);
          }
        });
    return changed;
  }

  private void remember(Row row, CorruptDataException e) {
    skipped.incrementAndGet();
    if (unreadable.size() < MAX_UNREADABLE) {
      unreadable.put(row.key(), row.rev());
    }
    LOG.warn(
        "cache '{}': skipped a stored row whose key cannot be decoded: {}",
        core.name,
        e.getMessage());
  }

  @Override
  public void housekeeping() {
    core.replica.purgeTombstones(core.now());
  }
}
