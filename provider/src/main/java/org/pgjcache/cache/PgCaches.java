package org.pgjcache.cache;

import java.util.OptionalLong;
import javax.cache.CacheException;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.pgjcache.codec.ValueCodec;
import org.pgjcache.codec.ValueForms;
import org.pgjcache.event.EventDispatcher;
import org.pgjcache.expiry.ExpiryCalculator;
import org.pgjcache.integration.Loader;
import org.pgjcache.integration.Writer;
import org.pgjcache.management.CacheStatistics;
import org.pgjcache.store.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and attaches a cache instance: the one place where a configuration becomes a working
 * cache.
 */
public final class PgCaches {

  private static final Logger LOG = LoggerFactory.getLogger(PgCaches.class);

  private PgCaches() {}

  /**
   * Opens a cache: builds the configured loader, writer, expiry policy and listeners, subscribes to
   * the backend's changes, then loads the backend's entries into the replica.
   */
  public static <K, V> PgCache<K, V> open(
      String name, CompleteConfiguration<K, V> requested, ManagerContext context) {
    MutableConfiguration<K, V> configuration = new MutableConfiguration<>(requested);
    ExpiryPolicy policy = configuration.getExpiryPolicyFactory().create();
    Factory<CacheLoader<K, V>> loaderFactory = configuration.getCacheLoaderFactory();
    Loader<K, V> loader = loaderFactory == null ? null : new Loader<>(loaderFactory.create());
    Factory<CacheWriter<? super K, ? super V>> writerFactory =
        configuration.getCacheWriterFactory();
    Writer<K, V> writer =
        configuration.isWriteThrough() && writerFactory != null
            ? new Writer<>(writerFactory.create())
            : null;
    context.codec().allowlist().allowClass(configuration.getKeyType());
    context.codec().allowlist().allowClass(configuration.getValueType());
    ValueCodec values = context.codec();
    if (context.jsonValues(name)) {
      if (configuration.getValueType() == Object.class) {
        throw new CacheException(
            "cache '"
                + name
                + "': value-format json needs a value type: set"
                + " caches."
                + name
                + ".value-type (or MutableConfiguration.setTypes)");
      }
      values = values.forJson(configuration.getValueType());
    }
    ValueForms forms = new ValueForms(values, configuration.isStoreByValue());
    EventDispatcher<K, V> events = new EventDispatcher<>(context.executor());
    CacheCore<K, V> core =
        new CacheCore<>(
            name,
            context.backend(),
            new org.pgjcache.codec.KeyCodec(context.codec()),
            forms,
            new ExpiryCalculator(policy),
            events,
            new CacheStatistics(),
            loader,
            configuration.isReadThrough(),
            writer,
            replica(name, context, configuration.isStoreByValue()));
    CacheLifecycle<K, V> lifecycle = new CacheLifecycle<>(context, configuration);
    PgCache<K, V> cache = new PgCache<>(core, lifecycle);
    events.bind(cache);
    for (CacheEntryListenerConfiguration<K, V> listener :
        configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    context.backend().store().ensureCache(name);
    RemoteChanges<K, V> remote = new RemoteChanges<>(core);
    CacheSync<K, V> sync = new CacheSync<>(core, context.sync());
    remote.syncWith(sync);
    core.attach(context.backend().feed().subscribe(name, remote));
    try {
      remote.load();
    } catch (RuntimeException e) {
      core.subscription().close();
      throw e;
    }
    sync.start();
    lifecycle.start(core, remote, sync);
    return cache;
  }

  /**
   * A full replica, or a bounded one if the cache has {@code max-entries} (its own, or the
   * manager's default).
   */
  private static Replica replica(String name, ManagerContext context, boolean byValue) {
    OptionalLong bound = context.maxEntries(name);
    if (bound.isEmpty()) {
      return Replica.full();
    }
    LOG.debug("cache '{}': bounded replica of at most {} entries", name, bound.getAsLong());
    return Replica.bounded(bound.getAsLong(), !byValue);
  }
}
