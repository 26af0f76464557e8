package org.pgjcache.support;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * A listener for every event type that records what one node heard, with the time it heard it on a
 * clock the test chooses (the node's database clock, to measure lags against stored expiry
 * instants). Registered through a singleton factory, so the test keeps the very instance the cache
 * calls.
 */
public final class EventLog<K, V>
    implements CacheEntryCreatedListener<K, V>,
        CacheEntryUpdatedListener<K, V>,
        CacheEntryRemovedListener<K, V>,
        CacheEntryExpiredListener<K, V>,
        Serializable {

  private static final long serialVersionUID = 1L;

  /** One event as heard. */
  public record Heard<K, V>(EventType type, K key, V value, long at) {}

  private final transient List<Heard<K, V>> heard = new CopyOnWriteArrayList<>();
  private final transient LongSupplier clock;

  public EventLog(LongSupplier clock) {
    this.clock = clock;
  }

  public EventLog() {
    this(System::currentTimeMillis);
  }

  /** Registers a new log on {@code cache}, asynchronous unless {@code synchronous}. */
  public static <K, V> EventLog<K, V> on(
      Cache<K, V> cache, LongSupplier clock, boolean synchronous) {
    EventLog<K, V> log = new EventLog<>(clock);
    cache.registerCacheEntryListener(
        new MutableCacheEntryListenerConfiguration<K, V>(
            FactoryBuilder.factoryOf(log), null, true, synchronous));
    return log;
  }

  private void record(EventType type, Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    long at = clock.getAsLong();
    for (CacheEntryEvent<? extends K, ? extends V> e : events) {
      heard.add(new Heard<>(type, e.getKey(), e.getValue(), at));
    }
  }

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(EventType.CREATED, events);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(EventType.UPDATED, events);
  }

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(EventType.REMOVED, events);
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(EventType.EXPIRED, events);
  }

  public List<Heard<K, V>> all() {
    return new ArrayList<>(heard);
  }

  public List<Heard<K, V>> of(EventType type) {
    List<Heard<K, V>> out = new ArrayList<>();
    for (Heard<K, V> h : heard) {
      if (h.type() == type) {
        out.add(h);
      }
    }
    return out;
  }

  public long count(EventType type) {
    return of(type).size();
  }

  public long count(EventType type, K key) {
    return of(type).stream().filter(h -> Objects.equals(h.key(), key)).count();
  }

  /** Events of one type by key, to check "exactly once per key". */
  public Map<K, Integer> countsByKey(EventType type) {
    Map<K, Integer> counts = new ConcurrentHashMap<>();
    for (Heard<K, V> h : of(type)) {
      counts.merge(h.key(), 1, Integer::sum);
    }
    return counts;
  }

  /** The values of one key's events in the order they were heard. */
  public List<V> valuesOf(K key) {
    List<V> out = new ArrayList<>();
    for (Heard<K, V> h : heard) {
      if (Objects.equals(h.key(), key)) {
        out.add(h.value());
      }
    }
    return out;
  }
}
