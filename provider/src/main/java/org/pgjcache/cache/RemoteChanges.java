package org.pgjcache.cache;

import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import javax.cache.event.EventType;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.Row;
import org.pgjcache.codec.CorruptDataException;
import org.pgjcache.event.EventBatch;
import org.pgjcache.store.Replica;
import org.pgjcache.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies changes committed by other cache instances to this one's replica, raising the listener
 * events they mean here; when changes may have been missed, it hands over to the node's heartbeat
 * ({@link CacheSync}), which reads only what differs.
 */
final class RemoteChanges<K, V> implements ChangeListener {

  /** Set once the cache closes; guarded by this. */
  private boolean detached;

  private static final Logger LOG = LoggerFactory.getLogger(RemoteChanges.class);

  private final CacheCore<K, V> core;
  private final AtomicLong skipped = new AtomicLong();
  private volatile CacheSync<K, V> sync;

  RemoteChanges(CacheCore<K, V> core) {
    this.core = core;
  }

  /** How many changes or rows could not be decoded and were skipped. */
  long skipped() {
    CacheSync<K, V> current = sync;
    return skipped.get() + (current == null ? 0 : current.skipped());
  }

  /**
   * Stops applying changes, after any change being applied right now: once this returns, no event
   * of a remote change reaches this instance's listeners, so closing them is final.
   */
  synchronized void detach() {
    detached = true;
  }

  @Override
  public synchronized void onChange(Change change) {
    if (!detached) {
      apply(change);
    }
  }

  @SuppressWarnings("unchecked")
  private void apply(Change change) {
    EventBatch batch = new EventBatch();
    long now = core.now();
    try {
      switch (change.op()) {
        case PUT:
          {
            K key = (K) core.keys.decode(change.key());
            core.applyValue(
                key,
                core.forms.holdEncoded(change.value()),
                change.rev(),
                change.expireAt(),
                now,
                Replica.NEWER,
                seenBefore(change, key),
                batch);
            break;
          }
        case REMOVE:
        case EXPIRE:
          {
            K key = (K) core.keys.decode(change.key());
            EventType type =
                change.op() == org.pgjcache.backend.Op.EXPIRE
                    ? EventType.EXPIRED
                    : EventType.REMOVED;
            core.applyRemoval(
                key, change.rev(), type, now, Replica.NEWER, seenBefore(change, key), batch);
            break;
          }
        case TOUCH:
          core.touch(core.keys.decode(change.key()), change.rev(), change.expireAt());
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
      LOG.warn(
          "cache '{}': skipped a change that cannot be decoded: {}", core.name, e.getMessage());
      return;
    }
    try {
      batch.fire();
    } catch (RuntimeException e) {
      LOG.warn(
          "cache '{}': a synchronous listener failed on a change from another node", core.name, e);
    }
  }

  /**
   * The entry a change replaced, when this replica does not hold the key (a bounded one) and a
   * listener could hear the change: from the change itself (a batch's rows carry it), else asked of
   * the database, which keeps it in the row until the key changes again. Null when it is not needed
   * or no longer known; the event then has no old value and a value counts as created.
   */
  private Versioned seenBefore(Change change, Object key) {
    if (core.replica.holdsAll() || core.events.isEmpty() || core.replica.get(key) != null) {
      return null;
    }
    Row prior = change.prior();
    if (prior == null) {
      try {
        prior = core.store.prior(core.name, change.key(), change.rev());
      } catch (CacheException e) {
        LOG.debug("cache '{}': could not read what a change replaced: {}", core.name, e.toString());
        return null;
      }
    }
    if (prior == null) {
      return null;
    }
    return Versioned.of(
        prior.value() == null ? null : core.forms.holdEncoded(prior.value()),
        prior.rev(),
        prior.expireAt());
  }

  /** The heartbeat side of this instance, which reconciles it when changes may have been missed. */
  void syncWith(CacheSync<K, V> sync) {
    this.sync = sync;
  }

  /**
   * Changes may have been missed (the LISTEN connection was re-established, or a notification could
   * not be applied): the node's heartbeat reconciles every cache at once, reading only what
   * differs.
   */
  @Override
  public void onPossibleGap() {
    CacheSync<K, V> current = sync;
    if (current != null) {
      current.requestCheck();
    } else {
      LOG.warn(
          "cache '{}': changes may have been missed before the cache joined the heartbeat; the"
              + " first heartbeat reconciles it",
          core.name);
    }
  }

  /** Another node compared this cache: what it asks is done in {@link CacheSync}. */
  @Override
  public void onComparedElsewhere(long repairedFrom, boolean whole) {
    CacheSync<K, V> current = sync;
    if (current != null) {
      current.comparedElsewhere(repairedFrom, whole);
    }
  }

  /**
   * Loads the backend's rows into an empty replica, without events (attaching a cache); a bounded
   * replica loads no rows (it reads each key when it is first asked for), only the recent removals
   * that fence off late changes.
   */
  @SuppressWarnings("unchecked")
  void load() {
    long now = core.now();
    if (core.replica.holdsAll()) {
      loadRows(now);
    }
    // recent removals as tombstones: a replayed or late older change of such a key is then stale
    core.store.recentRemovals(
        core.name,
        org.pgjcache.store.Replica.TOMBSTONE_MILLIS,
        row -> {
          try {
            K key = (K) core.keys.decode(row.key());
            core.replica.apply(
                key, null, row.rev(), row.expireAt(), now, org.pgjcache.store.ApplyHook.NONE);
          } catch (CorruptDataException e) {
            LOG.debug("cache '{}': a removed key cannot be decoded: {}", core.name, e.getMessage());
          }
        });
  }

  @SuppressWarnings("unchecked")
  private void loadRows(long now) {
    core.store.scan(
        core.name,
        row -> {
          try {
            K key = (K) core.keys.decode(row.key());
            core.replica.apply(
                key,
                core.forms.holdEncoded(row.value()),
                row.rev(),
                row.expireAt(),
                now,
                org.pgjcache.store.ApplyHook.NONE);
          } catch (CorruptDataException e) {
            skipped.incrementAndGet();
            LOG.warn(
                "cache '{}': skipped a stored row that cannot be decoded: {}",
                core.name,
                e.getMessage());
          }
        });
  }
}
