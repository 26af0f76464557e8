package org.pgjcache.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.EventType;

/**
 * The listeners of one cache instance and the routing of each change to them.
 *
 * <p>{@link #publish} is called while the change's key is held in the replica, so asynchronous
 * listeners get events of a key in the order the key changed; synchronous deliveries go into the
 * operation's {@link EventBatch}, queued per key ({@link KeyLanes}) so that they keep that order
 * too when several threads (this node's operations, other nodes' changes) fire at once.
 */
public final class EventDispatcher<K, V> {

  private final Executor executor;
  private volatile Cache<K, V> source;
  private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
  private final KeyLanes lanes = new KeyLanes();

  public EventDispatcher(Executor executor) {
    this.executor = executor;
  }

  /** Names the cache that events come from (set once the cache object exists). */
  public void bind(Cache<K, V> source) {
    this.source = source;
  }

  /** Registers a listener; a configuration already registered is refused. */
  public synchronized void register(CacheEntryListenerConfiguration<K, V> configuration) {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        throw new IllegalArgumentException(
            "this cache entry listener configuration is already" + " registered");
      }
    }
    registrations.add(new Registration<>(configuration, executor));
  }

  /** Removes a listener; returns whether it was registered. */
  public synchronized boolean deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        registrations.remove(registration);
        registration.close();
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return registrations.isEmpty();
  }

  /** Whether some listener wants events of this type. */
  public boolean wants(EventType type) {
    for (Registration<K, V> registration : registrations) {
      if (registration.handles(type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Routes one change to the listeners that handle its type.
   *
   * @param oldValue the value before the change, null if unknown or none
   */
  public void publish(EventType type, K key, V value, V oldValue, EventBatch batch) {
    for (Registration<K, V> registration : registrations) {
      if (!registration.handles(type)) {
        continue;
      }
      PgCacheEntryEvent<K, V> event = event(type, key, value, oldValue);
      if (registration.isSynchronous()) {
        batch.add(lanes.enqueue(key, () -> registration.deliver(event)));
      } else {
        registration.enqueue(event);
      }
    }
  }

  private PgCacheEntryEvent<K, V> event(EventType type, K key, V value, V oldValue) {
    switch (type) {
      case CREATED:
        return new PgCacheEntryEvent<>(source, type, key, value, null, false);
      case UPDATED:
        return new PgCacheEntryEvent<>(source, type, key, value, oldValue, oldValue != null);
      default:
        // REMOVED and EXPIRED carry the value that went away as both value and old value (JCache
        // 1.1)
        return new PgCacheEntryEvent<>(source, type, key, oldValue, oldValue, oldValue != null);
    }
  }

  /** Waits until asynchronous listeners have delivered everything queued so far. */
  public boolean awaitQuiet(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (Registration<K, V> registration : registrations) {
      if (!registration.awaitIdle(Math.max(1, deadline - System.currentTimeMillis()))) {
        return false;
      }
    }
    return true;
  }

  /** Closes every listener and filter that is {@link java.io.Closeable}. */
  public synchronized void close() {
    List<Registration<K, V>> all = new ArrayList<>(registrations);
    registrations.clear();
    all.forEach(Registration::close);
  }
}
