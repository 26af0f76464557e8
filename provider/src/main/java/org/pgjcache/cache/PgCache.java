package org.pgjcache.cache;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.EventType;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Write;
import org.pgjcache.codec.NotSerializableValueException;
import org.pgjcache.event.EventBatch;
import org.pgjcache.expiry.ExpiryCalculator;
import org.pgjcache.store.Applied;
import org.pgjcache.store.LocalOnly;
import org.pgjcache.store.Versioned;

/**
 * A cache whose entries live in the backend (PostgreSQL) and whose reads are served by this node's
 * replica.
 *
 * <p>Simple operations are here; conditional ones, bulk ones and entry processors live in their own
 * classes, all sharing one {@link CacheCore}.
 */
public final class PgCache<K, V> implements Cache<K, V> {

  private final CacheCore<K, V> core;
  private final CacheLifecycle<K, V> lifecycle;
  private final ConditionalOps<K, V> conditional;
  private final BulkOps<K, V> bulk;
  private final Invocations<K, V> invocations;

  PgCache(CacheCore<K, V> core, CacheLifecycle<K, V> lifecycle) {
    this.core = core;
    this.lifecycle = lifecycle;
    this.conditional = new ConditionalOps<>(core);
    this.bulk = new BulkOps<>(core, this::checkTypes);
    this.invocations = new Invocations<>(core, lifecycle.configuration().getValueType());
  }

  CacheCore<K, V> core() {
    return core;
  }

  CacheLifecycle<K, V> lifecycle() {
    return lifecycle;
  }

  private void open() {
    lifecycle.ensureOpen();
  }

  private void checkTypes(K key, V value) {
    Checks.key(key);
    Checks.type(lifecycle.configuration().getKeyType(), key, "key");
    if (value != null) {
      Checks.type(lifecycle.configuration().getValueType(), value, "value");
    }
  }

  @Override
  public V get(K key) {
    open();
    Checks.key(key);
    boolean full = core.replica.holdsAll();
    Versioned held = core.replica.lookup(key);
    if (held != null && held.expireAt() == Row.ETERNAL && held.held() != null && core.plainHits()) {
      // the common hit: an eternal entry, no statistics, no expiry on access: no clock, no
      // allocation
      return core.read(key, held);
    }
    if (held == null && !full) {
      held = core.resolve(key, core.now());
    }
    long start = core.stats.start();
    EventBatch batch = new EventBatch();
    long now = core.now();
    Versioned live = full ? core.live(key, now, batch) : core.live(key, held, now, batch);
    V value;
    if (live != null) {
      core.stats.hits(1);
      value = core.read(key, live);
      Access.touch(core, key, live, now);
    } else {
      core.stats.misses(1);
      value = core.loader == null ? null : bulk.loadOne(key, batch);
    }
    core.stats.getTime(start);
    batch.fire();
    return value;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    open();
    return bulk.getAll(keys);
  }

  @Override
  public boolean containsKey(K key) {
    open();
    Checks.key(key);
    long now = core.now();
    Versioned held = core.resolve(key, now);
    return held != null && held.isLive(now);
  }

  @Override
  public void loadAll(
      Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    open();
    bulk.loadAll(keys, replaceExistingValues, completionListener, lifecycle.executor());
  }

  @Override
  public void put(K key, V value) {
    open();
    checkTypes(key, value);
    Checks.value(value);
    long start = core.stats.start();
    EventBatch batch = new EventBatch();
    long now = core.now();
    Versioned live =
        core.blindWrites() ? core.liveIfHeld(key, now, batch) : core.live(key, now, batch);
    if (core.writer != null) {
      core.writer.write(new PgEntry<>(key, value));
    }
    long expireAt =
        live != null
            ? ExpiryCalculator.orKeep(core.expiry.forUpdate(now), live.expireAt())
            : core.expiry.forCreation(now);
    if (live == null && expireAt <= now) {
      batch.fire();
      return;
    }
    if (store(key, value, expireAt, now, live, batch)) {
      core.stats.puts(1);
      core.stats.putTime(start);
    }
    batch.fire();
  }

  /** Commits a value unconditionally and applies it here; returns whether the replica took it. */
  boolean store(K key, V value, long expireAt, long now, Versioned seen, EventBatch batch) {
    byte[] bytes;
    String keyText;
    try {
      bytes = core.forms.codec().encode(value);
      keyText = core.keyText(key);
    } catch (NotSerializableValueException e) {
      if (core.forms.byValue()) {
        throw e;
      }
      LocalOnlyWarning.once(core.name, key, value, e);
      return core.applyLocalOnly(key, value, expireAt, now, batch).applied();
    }
    K held = heldKey(key);
    long rev = core.store.put(core.name, new Write(keyText, bytes, expireAt), core.origin());
    Applied applied =
        core.applyValue(
            held,
            core.forms.hold(value, bytes),
            rev,
            expireAt,
            now,
            org.pgjcache.store.Replica.NEWER,
            seen,
            batch);
    return applied.applied();
  }

  @SuppressWarnings("unchecked")
  K heldKey(K key) {
    return (K) core.forms.copyKey(key);
  }

  @Override
  public V getAndPut(K key, V value) {
    open();
    checkTypes(key, value);
    Checks.value(value);
    return conditional.getAndPut(key, value);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    open();
    bulk.putAll(map);
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    open();
    checkTypes(key, value);
    Checks.value(value);
    return conditional.putIfAbsent(key, value);
  }

  @Override
  public boolean remove(K key) {
    open();
    Checks.key(key);
    long start = core.stats.start();
    EventBatch batch = new EventBatch();
    long now = core.now();
    Versioned seen =
        core.blindWrites() ? core.liveIfHeld(key, now, batch) : core.live(key, now, batch);
    if (core.writer != null) {
      core.writer.delete(key);
    }
    Versioned held = core.replica.get(key);
    if (held != null && held.held() instanceof LocalOnly) {
      boolean removed = core.replica.dropAt(key, held.rev(), now, core.removalHook(now, batch));
      core.stats.removals(removed ? 1 : 0);
      batch.fire();
      return removed;
    }
    String keyText = core.keyText(key);
    core.touches.flush(keyText);
    long rev = core.store.remove(core.name, keyText, core.origin());
    boolean removed = rev > 0;
    if (removed) {
      core.applyRemoval(
          key, rev, EventType.REMOVED, now, org.pgjcache.store.Replica.NEWER, seen, batch);
      core.stats.removals(1);
      core.stats.removeTime(start);
    }
    batch.fire();
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    open();
    Checks.key(key);
    Checks.value(oldValue);
    return conditional.remove(key, oldValue);
  }

  @Override
  public V getAndRemove(K key) {
    open();
    Checks.key(key);
    return conditional.getAndRemove(key);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    open();
    checkTypes(key, newValue);
    Checks.value(oldValue);
    Checks.value(newValue);
    return conditional.replace(key, oldValue, newValue);
  }

  @Override
  public boolean replace(K key, V value) {
    open();
    checkTypes(key, value);
    Checks.value(value);
    return conditional.replace(key, value);
  }

  @Override
  public V getAndReplace(K key, V value) {
    open();
    checkTypes(key, value);
    Checks.value(value);
    return conditional.getAndReplace(key, value);
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    open();
    bulk.removeAll(keys);
  }

  @Override
  public void removeAll() {
    open();
    bulk.removeEverything();
  }

  @Override
  public void clear() {
    open();
    long rev = core.store.clear(core.name, core.origin());
    core.replica.clearUpTo(rev);
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    CompleteConfiguration<K, V> configuration = lifecycle.configuration();
    if (clazz.isInstance(configuration)) {
      return clazz.cast(configuration);
    }
    throw new IllegalArgumentException(
        "the configuration of cache '"
            + core.name
            + "' is a "
            + configuration.getClass().getName()
            + ", not a "
            + clazz.getName());
  }

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    open();
    Checks.key(key);
    if (entryProcessor == null) {
      throw new NullPointerException("an entry processor must not be null");
    }
    return invocations.invoke(key, entryProcessor, arguments);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(
      Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    open();
    if (keys == null || entryProcessor == null) {
      throw new NullPointerException("keys and entry processor must not be null");
    }
    for (K key : keys) {
      Checks.key(key);
    }
    return invocations.invokeAll(keys, entryProcessor, arguments);
  }

  @Override
  public String getName() {
    return core.name;
  }

  @Override
  public CacheManager getCacheManager() {
    return lifecycle.manager();
  }

  @Override
  public void close() {
    lifecycle.close();
  }

  @Override
  public boolean isClosed() {
    return lifecycle.isClosed();
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isAssignableFrom(getClass())) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException(
        "cache '" + core.name + "' cannot be unwrapped to " + clazz.getName());
  }

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> configuration) {
    open();
    if (configuration == null) {
      throw new NullPointerException("a listener configuration must not be null");
    }
    lifecycle.addListener(configuration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> configuration) {
    open();
    if (configuration == null) {
      throw new NullPointerException("a listener configuration must not be null");
    }
    lifecycle.removeListener(configuration);
  }

  @Override
  public Iterator<Entry<K, V>> iterator() {
    open();
    return new EntryIterator<>(this, core);
  }

  /** Turns statistics on or off ({@code CacheManager.enableStatistics}). */
  public void setStatisticsEnabled(boolean enabled) {
    lifecycle.setStatisticsEnabled(enabled);
  }

  /** Turns the configuration MXBean on or off ({@code CacheManager.enableManagement}). */
  public void setManagementEnabled(boolean enabled) {
    lifecycle.setManagementEnabled(enabled);
  }

  /** This node's statistics of the cache (counted while statistics are enabled). */
  public javax.cache.management.CacheStatisticsMXBean statistics() {
    return core.stats;
  }

  /**
   * How many remote changes or stored rows this instance skipped because they could not be decoded.
   */
  public long skippedChanges() {
    return lifecycle.remote().skipped() + core.corruptValues();
  }

  /**
   * What this node's local tier of the cache has done: hits, misses (reads that went to the
   * database), evictions and size; for a full replica only the size is counted.
   */
  public org.pgjcache.store.Replica.TierStats localTier() {
    return core.replica.tierStats();
  }

  /** Waits until asynchronous listeners have been handed every event raised so far. */
  public boolean awaitListeners(long timeoutMillis) throws InterruptedException {
    return core.events.awaitQuiet(timeoutMillis);
  }

  @Override
  public String toString() {
    return "PgCache{" + core.name + " on " + core.backend.describe() + "}";
  }
}
