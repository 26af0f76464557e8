package org.pgjcache.sync;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/** A listener that records every event it hears, in order, for tests to compare. */
public final class Recorder
    implements CacheEntryCreatedListener<String, String>,
        CacheEntryUpdatedListener<String, String>,
        CacheEntryRemovedListener<String, String>,
        CacheEntryExpiredListener<String, String>,
        Serializable {

  private static final long serialVersionUID = 1L;

  /** One heard event; {@code old} is null unless the event carried an old value. */
  public record Event(EventType type, String key, String value, String old) {

    @Override
    public String toString() {
      return type + " " + key + "=" + value + (old == null ? "" : " (was " + old + ")");
    }
  }

  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

  /** An asynchronous registration of this recorder that asks for old values. */
  public CacheEntryListenerConfiguration<String, String> configuration() {
    return new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(this), null, true, false);
  }

  /** A registration that only lets through events whose key passes {@code keys}. */
  public CacheEntryListenerConfiguration<String, String> configuration(KeyFilter keys) {
    return new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(this), FactoryBuilder.factoryOf(keys), true, false);
  }

  private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> heard) {
    for (CacheEntryEvent<? extends String, ? extends String> e : heard) {
      events.add(
          new Event(
              e.getEventType(),
              e.getKey(),
              e.getValue(),
              e.isOldValueAvailable() ? e.getOldValue() : null));
    }
  }

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> heard) {
    record(heard);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> heard) {
    record(heard);
  }

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> heard) {
    record(heard);
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> heard) {
    record(heard);
  }

  public List<Event> events() {
    return new ArrayList<>(events);
  }

  public List<Event> events(String key) {
    List<Event> found = new ArrayList<>();
    for (Event e : events) {
      if (e.key().equals(key)) {
        found.add(e);
      }
    }
    return found;
  }

  public int size() {
    return events.size();
  }

  public boolean heard(Event event) {
    return events.contains(event);
  }

  /** A serializable filter on keys. */
  public static final class KeyFilter
      implements CacheEntryEventFilter<String, String>, Serializable {

    private static final long serialVersionUID = 1L;
    private final String prefix;

    public KeyFilter(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends String> event) {
      return event.getKey().startsWith(prefix);
    }
  }

  static Predicate<Event> ofType(EventType type) {
    return e -> e.type() == type;
  }
}
