package org.pgjcache.event;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One registered listener: its configuration, the listener and filter it built, and its queue. */
final class Registration<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final CacheEntryEventFilter<? super K, ? super V> filter;
  private final SerialQueue queue;

  Registration(CacheEntryListenerConfiguration<K, V> configuration, Executor executor) {
    this.configuration = configuration;
    Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
        configuration.getCacheEntryListenerFactory();
    if (listenerFactory == null) {
      throw new IllegalArgumentException(
          "a cache entry listener configuration needs a listener" + " factory");
    }
    this.listener = listenerFactory.create();
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    this.filter = filterFactory == null ? null : filterFactory.create();
    this.queue = configuration.isSynchronous() ? null : new SerialQueue(executor);
  }

  boolean isSynchronous() {
    return queue == null;
  }

  boolean oldValueRequired() {
    return configuration.isOldValueRequired();
  }

  boolean handles(EventType type) {
    switch (type) {
      case CREATED:
        return listener instanceof CacheEntryCreatedListener;
      case UPDATED:
        return listener instanceof CacheEntryUpdatedListener;
      case REMOVED:
        return listener instanceof CacheEntryRemovedListener;
      case EXPIRED:
        return listener instanceof CacheEntryExpiredListener;
      default:
        return false;
    }
  }

  /** Queues the event behind earlier ones (asynchronous listeners). */
  void enqueue(PgCacheEntryEvent<K, V> event) {
    queue.submit(() -> deliver(event));
  }

  /** Filters and delivers on the calling thread; the listener's exceptions propagate. */
  @SuppressWarnings("unchecked")
  void deliver(PgCacheEntryEvent<K, V> event) {
    if (filter != null && !filter.evaluate(event)) {
      return;
    }
    List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
    switch (event.getEventType()) {
      case CREATED:
        ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
        break;
      case UPDATED:
        ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
        break;
      case REMOVED:
        ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
        break;
      case EXPIRED:
        ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
        break;
      default:
        throw new CacheEntryListenerException("unknown event type " + event.getEventType());
    }
  }

  boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    return queue == null || queue.awaitIdle(timeoutMillis);
  }

  void close() {
    closeQuietly(listener);
    if (filter != listener) {
      closeQuietly(filter);
    }
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing {} failed", resource.getClass().getName(), e);
      }
    } else if (resource instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", resource.getClass().getName(), e);
      }
    }
  }
}
