package org.pgjcache.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.event.EventType;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.Row;
import org.pgjcache.codec.CorruptDataException;
import org.pgjcache.event.EventBatch;
import org.pgjcache.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies changes committed by other cache instances to this one's replica, raising the listener events
 * they mean here; and brings the replica back in line with the backend when changes may have been
 * missed.
 */
final class RemoteChanges<K, V> implements ChangeListener {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteChanges.class);

  private final CacheCore<K, V> core;
  private final Executor executor;
  private final AtomicBoolean reconciling = new AtomicBoolean();
  private final AtomicLong skipped = new AtomicLong();

  RemoteChanges(CacheCore<K, V> core, Executor executor) {
    this.core = core;
    this.executor = executor;
  }

  /** How many changes or rows could not be decoded and were skipped. */
  long skipped() {
    return skipped.get();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void onChange(Change change) {
    EventBatch batch = new EventBatch();
    long now = core.now();
    try {
      switch (change.op()) {
        case PUT: {
          K key = (K) core.keys.decode(change.key());
          core.applyValue(key, core.forms.holdEncoded(change.value()), change.rev(),
              change.expireAt(), now, batch);
          break;
        }
        case REMOVE:
        case EXPIRE: {
          K key = (K) core.keys.decode(change.key());
          EventType type = change.op() == org.pgjcache.backend.Op.EXPIRE ? EventType.EXPIRED
              : EventType.REMOVED;
          core.applyRemoval(key, change.rev(), type, now, batch);
          break;
        }
        case TOUCH:
          core.replica.touch(core.keys.decode(change.key()), change.rev(), change.expireAt());
          break;
        case CLEAR:
        case DESTROY:
          core.replica.clearUpTo(change.rev());
          break;
        default:
          break;
      }
    } catch (CorruptDataException e) {
      skipped.incrementAndGet();
      LOG.warn("cache '{}': skipped a change that cannot be decoded: {}", core.name, e.getMessage());
      return;
    }
    try {
      batch.fire();
    } catch (RuntimeException e) {
      LOG.warn("cache '{}': a synchronous listener failed on a change from another node", core.name, e);
    }
  }

  @Override
  public void onPossibleGap() {
    if (reconciling.compareAndSet(false, true)) {
      executor.execute(() -> {
        try {
          reconcile();
        } catch (RuntimeException e) {
          LOG.warn("cache '{}': reconciliation failed; the next heartbeat retries", core.name, e);
        } finally {
          reconciling.set(false);
        }
      });
    }
  }

  /** Loads the backend's rows into an empty replica, without events (attaching a cache). */
  @SuppressWarnings("unchecked")
  void load() {
    long now = core.now();
    core.backend.scan(core.name, row -> {
      try {
        K key = (K) core.keys.decode(row.key());
        core.replica.apply(key, core.forms.holdEncoded(row.value()), row.rev(), row.expireAt(), now,
            org.pgjcache.store.ApplyHook.NONE);
      } catch (CorruptDataException e) {
        skipped.incrementAndGet();
        LOG.warn("cache '{}': skipped a stored row that cannot be decoded: {}", core.name,
            e.getMessage());
      }
    });
  }

  /**
   * Compares every row with the replica: newer rows are applied with events, and keys the backend no
   * longer has are dropped with REMOVED events. Keys changed after the scan are left alone.
   */
  @SuppressWarnings("unchecked")
  void reconcile() {
    Map<Object, Row> rows = new HashMap<>();
    long[] maxRev = {0};
    core.backend.scan(core.name, row -> {
      try {
        rows.put(core.keys.decode(row.key()), row);
        maxRev[0] = Math.max(maxRev[0], row.rev());
      } catch (CorruptDataException e) {
        skipped.incrementAndGet();
        LOG.warn("cache '{}': skipped a stored row that cannot be decoded: {}", core.name,
            e.getMessage());
      }
    });
    EventBatch batch = new EventBatch();
    long now = core.now();
    int repaired = 0;
    for (Map.Entry<Object, Row> e : rows.entrySet()) {
      Versioned held = core.replica.get(e.getKey());
      Row row = e.getValue();
      if (held == null || held.rev() < row.rev()) {
        try {
          core.applyValue((K) e.getKey(), core.forms.holdEncoded(row.value()), row.rev(),
              row.expireAt(), now, batch);
          repaired++;
        } catch (CorruptDataException ex) {
          skipped.incrementAndGet();
        }
      }
    }
    for (Object key : core.replica.keysWithValues()) {
      Versioned held = core.replica.get(key);
      if (held != null && !held.isTombstone() && !rows.containsKey(key) && held.rev() <= maxRev[0]) {
        if (core.replica.dropAt(key, held.rev(), now, core.removalHook(now, batch))) {
          repaired++;
        }
      }
    }
    batch.fire();
    if (repaired > 0) {
      LOG.info("cache '{}': reconciliation repaired {} entries", core.name, repaired);
    }
  }
}
