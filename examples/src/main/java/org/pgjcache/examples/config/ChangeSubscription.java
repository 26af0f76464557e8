package org.pgjcache.examples.config;

import java.util.function.BiConsumer;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * The seeds' {@code Subscribe(func(key, value))} in JCache terms: a {@code CacheEntryListener} that
 * hands every change to a callback, whichever node made it. Removed and expired entries are
 * reported with a null value. The listener is asynchronous, so a slow callback never slows down a
 * writer. {@link #close()} is the seeds' {@code Unsubscribe}.
 *
 * @param <V> the cache's value type
 */
public final class ChangeSubscription<V> implements AutoCloseable {

  private final Cache<String, V> cache;
  private final CacheEntryListenerConfiguration<String, V> configuration;

  private ChangeSubscription(
      Cache<String, V> cache, CacheEntryListenerConfiguration<String, V> configuration) {
    this.cache = cache;
    this.configuration = configuration;
  }

  /**
   * Subscribes {@code callback} to every change of {@code cache}.
   *
   * @param cache the cache to watch
   * @param callback receives the key and the new value, or null when the key was removed
   * @param <V> the cache's value type
   * @return the subscription; close it to unsubscribe
   */
  public static <V> ChangeSubscription<V> subscribe(
      Cache<String, V> cache, BiConsumer<String, V> callback) {
    CacheEntryListener<String, V> listener = new Forwarder<>(callback);
    Factory<CacheEntryListener<? super String, ? super V>> factory = () -> listener;
    CacheEntryListenerConfiguration<String, V> configuration =
        new MutableCacheEntryListenerConfiguration<>(factory, null, false, false);
    cache.registerCacheEntryListener(configuration);
    return new ChangeSubscription<>(cache, configuration);
  }

  @Override
  public void close() {
    if (!cache.isClosed()) {
      cache.deregisterCacheEntryListener(configuration);
    }
  }

  /** One listener for all four kinds of event. */
  private static final class Forwarder<V>
      implements CacheEntryCreatedListener<String, V>,
          CacheEntryUpdatedListener<String, V>,
          CacheEntryRemovedListener<String, V>,
          CacheEntryExpiredListener<String, V> {

    private final BiConsumer<String, V> callback;

    Forwarder(BiConsumer<String, V> callback) {
      this.callback = callback;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
      forward(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
      forward(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
      forward(events);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
      forward(events);
    }

    private void forward(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
      for (CacheEntryEvent<? extends String, ? extends V> event : events) {
        boolean gone =
            event.getEventType() == EventType.REMOVED || event.getEventType() == EventType.EXPIRED;
        callback.accept(event.getKey(), gone ? null : event.getValue());
      }
    }
  }
}
