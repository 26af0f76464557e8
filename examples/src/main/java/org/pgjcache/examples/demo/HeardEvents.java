package org.pgjcache.examples.demo;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * A plain {@code CacheEntryListener} that writes down what a node heard, so that the demo's main
 * thread can wait for an event with a deadline and print it in order. This is all an application
 * needs to react to changes made on other nodes: pgjcache raises the standard JCache events there.
 */
final class HeardEvents
    implements CacheEntryCreatedListener<String, String>,
        CacheEntryUpdatedListener<String, String>,
        CacheEntryRemovedListener<String, String>,
        CacheEntryExpiredListener<String, String>,
        Serializable {

  private static final long serialVersionUID = 1L;

  /** One event as the demo prints it, with the moment it arrived. */
  record Heard(EventType type, String key, String value, long nanoTime) {
    @Override
    public String toString() {
      return type + " " + key + (value == null ? "" : " = '" + value + "'");
    }
  }

  private final transient BlockingQueue<Heard> heard = new LinkedBlockingQueue<>();

  /**
   * A listener configuration that registers this very instance (the factory hands it out as it is),
   * asynchronous, with old values off.
   */
  MutableCacheEntryListenerConfiguration<String, String> configuration() {
    return new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(this), null, false, false);
  }

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
    record(events);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
    record(events);
  }

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
    record(events);
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
    record(events);
  }

  private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
    long now = System.nanoTime();
    for (CacheEntryEvent<? extends String, ? extends String> e : events) {
      String value =
          e.getEventType() == EventType.REMOVED || e.getEventType() == EventType.EXPIRED
              ? null
              : e.getValue();
      heard.add(new Heard(e.getEventType(), e.getKey(), value, now));
    }
  }

  /**
   * Waits for the first event that matches, dropping the ones before it.
   *
   * @return the event, or empty if none came within {@code timeout}
   */
  Optional<Heard> await(Predicate<Heard> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      Heard next = heard.poll(left, TimeUnit.NANOSECONDS);
      if (next != null && wanted.test(next)) {
        return Optional.of(next);
      }
    }
    return Optional.empty();
  }

  /** Events heard so far and not yet waited for, removed from the record. */
  List<Heard> drain() {
    List<Heard> out = new ArrayList<>();
    heard.drainTo(out);
    return out;
  }
}
