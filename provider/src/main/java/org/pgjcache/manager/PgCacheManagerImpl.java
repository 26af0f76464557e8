package org.pgjcache.manager;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.pgjcache.NodeSync;
import org.pgjcache.PgCacheManager;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.Closing;
import org.pgjcache.cache.ManagerContext;
import org.pgjcache.cache.PgCache;
import org.pgjcache.cache.PgCaches;
import org.pgjcache.codec.DecodeLimits;
import org.pgjcache.codec.SerializationAllowlist;
import org.pgjcache.codec.ValueCodec;
import org.pgjcache.config.Settings;
import org.pgjcache.sync.SyncAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caches of one URI and class loader: what {@link org.pgjcache.PgCacheManager} promises, plus
 * the accessors the rest of pgjcache needs (settings, backend), which users do not get. Caches of
 * every manager that points at the same database share one backend (a connection pool and one
 * LISTEN connection); each manager has its own small executor for asynchronous listeners and one
 * scheduler thread, both stopped on {@link #close()}.
 */
public final class PgCacheManagerImpl implements PgCacheManager {

  private static final Logger LOG = LoggerFactory.getLogger(PgCacheManagerImpl.class);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final CachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final Settings settings;
  private final Backends.Lease lease;
  private final SyncAgent sync;
  private final ValueCodec codec;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Map<String, PgCache<?, ?>> caches = new ConcurrentHashMap<>();
  private final Context context = new Context();
  private final Runnable onClose;
  private volatile boolean closed;

  /**
   * Opens a manager; fails with a {@link CacheException} if its backend cannot be reached.
   *
   * @param onClose called once when the manager closes, so the provider forgets it
   */
  public PgCacheManagerImpl(
      CachingProvider provider,
      URI uri,
      ClassLoader classLoader,
      Properties properties,
      Settings settings,
      Runnable onClose) {
    this.provider = provider;
    this.uri = uri;
    this.classLoader = classLoader;
    this.properties = properties;
    this.settings = settings;
    this.onClose = onClose;
    this.codec =
        new ValueCodec(
            classLoader,
            new SerializationAllowlist(settings.serializationAllow()),
            decodeLimits(settings));
    int id = SEQUENCE.incrementAndGet();
    this.lease = Backends.acquire(settings);
    try {
      this.sync = SyncAgent.acquire(lease.backend(), lease.coordination(), settings);
    } catch (RuntimeException e) {
      lease.release();
      throw e;
    }
    this.executor = Executors.newCachedThreadPool(daemon("pgjcache-events-" + id));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("pgjcache-scheduler-" + id));
    try {
      settings
          .caches()
          .forEach(
              (name, cache) ->
                  open(name, DeclaredCaches.configuration(cache, settings, classLoader), false));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.debug("cache manager {} opened on {}", uri, lease.backend().describe());
  }

  /** The serialization limits of {@code settings}, which every decode of this manager obeys. */
  public static DecodeLimits decodeLimits(Settings settings) {
    return new DecodeLimits(
        settings.serializationMaxBytes(),
        settings.serializationMaxArrayLength(),
        settings.serializationMaxReferences(),
        settings.serializationMaxDepth(),
        settings.serializationMaxTreeSize(),
        settings.serializationMaxTime());
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The resolved settings of this manager. */
  public Settings settings() {
    return settings;
  }

  /** The backend this manager's caches use. */
  public Backend backend() {
    return lease.backend();
  }

  /** The backend's coordination part (reaper role, heartbeat queries, node table). */
  public org.pgjcache.sync.Coordination coordination() {
    return lease.coordination();
  }

  /**
   * The synchronisation health of this manager's node (shared by every manager on the same
   * backend): checksums per cache, heartbeats, repairs, skipped notifications and reconnects.
   */
  @Override
  public NodeSync sync() {
    return sync;
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache manager " + uri + " is closed");
    }
  }

  @Override
  public synchronized <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(
      String cacheName, C configuration) {
    ensureOpen();
    if (cacheName == null) {
      throw new NullPointerException("a cache name must not be null");
    }
    if (configuration == null) {
      throw new NullPointerException("a cache configuration must not be null");
    }
    if (caches.containsKey(cacheName)) {
      throw new CacheException(
          "cache '"
              + cacheName
              + "' already exists in cache manager "
              + uri
              + (settings.caches().containsKey(cacheName)
                  ? " (it is declared in the configuration"
                      + " under caches."
                      + cacheName
                      + ", so the manager created it when it opened: get it"
                      + " with getCache, or remove the declaration)"
                  : ""));
    }
    return open(cacheName, configuration, true);
  }

  /** Opens a cache; {@code defaults}: apply the manager's statistics and management defaults. */
  private <K, V> Cache<K, V> open(
      String cacheName, Configuration<K, V> configuration, boolean defaults) {
    PgCache<K, V> cache = PgCaches.open(cacheName, complete(configuration), context);
    caches.put(cacheName, cache);
    if (defaults && settings.statisticsDefault()) {
      cache.setStatisticsEnabled(true);
    }
    if (defaults && settings.managementDefault()) {
      cache.setManagementEnabled(true);
    }
    return cache;
  }

  private static <K, V> CompleteConfiguration<K, V> complete(Configuration<K, V> configuration) {
    if (configuration instanceof CompleteConfiguration<K, V> complete) {
      return complete;
    }
    return new MutableConfiguration<K, V>()
        .setTypes(configuration.getKeyType(), configuration.getValueType())
        .setStoreByValue(configuration.isStoreByValue());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    ensureOpen();
    if (cacheName == null || keyType == null || valueType == null) {
      throw new NullPointerException("cache name, key type and value type must not be null");
    }
    PgCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    CompleteConfiguration<?, ?> configuration = cache.getConfiguration(CompleteConfiguration.class);
    if (!keyType.equals(configuration.getKeyType())) {
      throw new ClassCastException(
          "cache '"
              + cacheName
              + "' has keys of type "
              + configuration.getKeyType().getName()
              + ", not "
              + keyType.getName());
    }
    if (!valueType.equals(configuration.getValueType())) {
      throw new ClassCastException(
          "cache '"
              + cacheName
              + "' has values of type "
              + configuration.getValueType().getName()
              + ", not "
              + valueType.getName());
    }
    return (Cache<K, V>) cache;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    ensureOpen();
    if (cacheName == null) {
      throw new NullPointerException("a cache name must not be null");
    }
    return (Cache<K, V>) caches.get(cacheName);
  }

  @Override
  public Iterable<String> getCacheNames() {
    ensureOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  /**
   * Destroys a cache for the whole cluster: this manager's instance is closed, and the cache's
   * entries are deleted from the database. Other nodes' open instances of the cache are not closed
   * (an application holding a reference, as Spring and Hibernate do, would otherwise fail on every
   * call with an {@link IllegalStateException}); they hear of the destruction, empty their replicas
   * without events, as {@link Cache#clear()} does, and stay usable: a write through one of them
   * stores a new entry under the same cache name, which a cache created again later sees.
   */
  @Override
  public synchronized void destroyCache(String cacheName) {
    ensureOpen();
    if (cacheName == null) {
      throw new NullPointerException("a cache name must not be null");
    }
    PgCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.close();
    }
    lease.backend().store().destroy(cacheName, "");
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    ensureOpen();
    if (cacheName == null) {
      throw new NullPointerException("a cache name must not be null");
    }
    PgCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setManagementEnabled(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    ensureOpen();
    if (cacheName == null) {
      throw new NullPointerException("a cache name must not be null");
    }
    PgCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setStatisticsEnabled(enabled);
    }
  }

  /**
   * Closes the caches, stops this manager's threads and releases the backend (the last manager of a
   * shared backend closes its pool and LISTEN connection). Returns within statement-timeout +
   * connect-timeout, even with the database frozen: the writes a close makes (pending
   * accessed-expiry updates, leaving the node table) and its waits for background work share that
   * bound ({@link Closing}), and calls still waiting on the database when the backend closes are
   * cut, so their threads end too.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Closing.within(settings.callBound(), this::closeNow);
  }

  private void closeNow() {
    try {
      for (PgCache<?, ?> cache : caches.values()) {
        try {
          cache.close();
        } catch (RuntimeException e) {
          LOG.warn("closing cache '{}' failed", cache.getName(), e);
        }
      }
      caches.clear();
      scheduler.shutdownNow();
      executor.shutdown();
      awaitTermination();
    } finally {
      try {
        sync.release();
      } finally {
        lease.release();
        onClose.run();
      }
    }
  }

  private void awaitTermination() {
    try {
      long wait = Closing.waitMillis(5_000);
      if (!executor.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "cache manager {}: listener threads still busy after {} ms; interrupting them",
            uri,
            wait);
        executor.shutdownNow();
      }
      scheduler.awaitTermination(Closing.waitMillis(5_000), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isAssignableFrom(getClass())) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cache manager cannot be unwrapped to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "PgCacheManagerImpl{" + uri + " on " + lease.backend().describe() + "}";
  }

  /** What caches see of this manager. */
  private final class Context implements ManagerContext {

    @Override
    public CacheManager manager() {
      return PgCacheManagerImpl.this;
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public Backend backend() {
      return lease.backend();
    }

    @Override
    public ValueCodec codec() {
      return codec;
    }

    @Override
    public java.util.concurrent.Executor executor() {
      return executor;
    }

    @Override
    public ScheduledExecutorService scheduler() {
      return scheduler;
    }

    @Override
    public void released(String cacheName) {
      caches.remove(cacheName);
    }

    @Override
    public boolean jsonValues(String cacheName) {
      org.pgjcache.config.CacheSettings declared = settings.caches().get(cacheName);
      return declared != null && declared.valueFormat().filter("json"::equals).isPresent();
    }

    @Override
    public java.util.OptionalLong maxEntries(String cacheName) {
      return settings.maxEntries(cacheName);
    }

    @Override
    public SyncAgent sync() {
      return sync;
    }
  }
}
