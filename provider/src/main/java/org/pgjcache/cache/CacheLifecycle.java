package org.pgjcache.cache;

import java.io.Closeable;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.backend.Closing;
import org.pgjcache.management.CacheConfigurationBean;
import org.pgjcache.management.JmxRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one cache instance: its configuration (which listener registrations change), whether
 * it is open, its MXBeans, and what closing it releases.
 */
final class CacheLifecycle<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(CacheLifecycle.class);
  private static final long TOUCH_FLUSH_MILLIS = 100;
  private static final long TOMBSTONE_PURGE_MILLIS = 10_000;
  private static final long BACKGROUND_WAIT_MILLIS = 10_000;

  private final ManagerContext context;
  private final MutableConfiguration<K, V> configuration;
  private CacheCore<K, V> core;
  private RemoteChanges<K, V> remote;
  private CacheSync<K, V> sync;
  private ScheduledFuture<?> touchFlush;
  private ScheduledFuture<?> tombstonePurge;
  private final InFlight background;
  private volatile boolean closed;

  CacheLifecycle(ManagerContext context, MutableConfiguration<K, V> configuration) {
    this.context = context;
    this.configuration = configuration;
    this.background = new InFlight(context.executor());
  }

  void start(CacheCore<K, V> core, RemoteChanges<K, V> remote, CacheSync<K, V> sync) {
    this.core = core;
    this.remote = remote;
    this.sync = sync;
    touchFlush =
        context
            .scheduler()
            .scheduleWithFixedDelay(
                this::flushTouches, TOUCH_FLUSH_MILLIS, TOUCH_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    tombstonePurge =
        context
            .scheduler()
            .scheduleWithFixedDelay(
                this::purgeTombstones,
                TOMBSTONE_PURGE_MILLIS,
                TOMBSTONE_PURGE_MILLIS,
                TimeUnit.MILLISECONDS);
    setStatisticsEnabled(configuration.isStatisticsEnabled());
    setManagementEnabled(configuration.isManagementEnabled());
  }

  private void flushTouches() {
    if (!core.touches.isEmpty()) {
      core.touches.flush();
    }
  }

  /**
   * Forgets the replica's tombstones once their fencing period is over: every removed or expired
   * key leaves one, and a cache with short-lived keys would otherwise grow without bound.
   */
  private void purgeTombstones() {
    core.replica.purgeTombstones(core.now());
  }

  RemoteChanges<K, V> remote() {
    return remote;
  }

  MutableConfiguration<K, V> configuration() {
    return configuration;
  }

  CacheManager manager() {
    return context.manager();
  }

  /** Runs background work of this cache; {@link #close()} waits for it. */
  Executor executor() {
    return background;
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache '" + core.name + "' is closed");
    }
  }

  boolean isClosed() {
    return closed;
  }

  void addListener(CacheEntryListenerConfiguration<K, V> listener) {
    core.events.register(listener);
    configuration.addCacheEntryListenerConfiguration(listener);
  }

  void removeListener(CacheEntryListenerConfiguration<K, V> listener) {
    if (core.events.deregister(listener)) {
      configuration.removeCacheEntryListenerConfiguration(listener);
    }
  }

  void setStatisticsEnabled(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    core.stats.setEnabled(enabled);
    String uri = context.uri().toString();
    if (enabled) {
      JmxRegistration.register(core.stats, JmxRegistration.Kind.STATISTICS, uri, core.name);
    } else {
      JmxRegistration.unregister(JmxRegistration.Kind.STATISTICS, uri, core.name);
    }
  }

  void setManagementEnabled(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    String uri = context.uri().toString();
    if (enabled) {
      JmxRegistration.register(
          new CacheConfigurationBean(configuration),
          JmxRegistration.Kind.CONFIGURATION,
          uri,
          core.name);
    } else {
      JmxRegistration.unregister(JmxRegistration.Kind.CONFIGURATION, uri, core.name);
    }
  }

  /** Closes this instance: stops its work, closes user resources, detaches from the backend. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    touchFlush.cancel(false);
    tombstonePurge.cancel(false);
    try {
      long wait = Closing.waitMillis(BACKGROUND_WAIT_MILLIS);
      if (!background.awaitIdle(wait)) {
        LOG.warn(
            "cache '{}': background loads still running after {} ms; closing anyway",
            core.name,
            wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      core.touches.flush();
    } finally {
      sync.stop();
      core.subscription().close();
      remote.detach();
      String uri = context.uri().toString();
      JmxRegistration.unregister(JmxRegistration.Kind.STATISTICS, uri, core.name);
      JmxRegistration.unregister(JmxRegistration.Kind.CONFIGURATION, uri, core.name);
      core.events.close();
      closeQuietly(core.expiry.policy());
      if (core.loader != null) {
        closeQuietly(core.loader.delegate());
      }
      if (core.allLoader != null && core.allLoader != core.loader) {
        closeQuietly(core.allLoader.delegate());
      }
      if (core.writer != null) {
        closeQuietly(core.writer.delegate());
      }
      context.released(core.name);
    }
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof Closeable || resource instanceof AutoCloseable) {
      try {
        ((AutoCloseable) resource).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", resource.getClass().getName(), e);
      }
    }
  }
}
