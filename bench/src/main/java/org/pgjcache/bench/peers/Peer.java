package org.pgjcache.bench.peers;

import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JCache implementation under test, opened the way its users open it, so that every benchmark
 * runs the same code against each of them. A peer owns whatever it started (a database, a Hazelcast
 * member, a Redis client) and releases it on {@link #close()}.
 */
public final class Peer implements AutoCloseable {

  /** pgjcache on PostgreSQL, default settings (every put commits with a WAL flush). */
  public static final String PGJCACHE = "pgjcache";

  /** pgjcache with {@code pgjcache.durability=relaxed} ({@code synchronous_commit = off}). */
  public static final String PGJCACHE_RELAXED = "pgjcache-relaxed";

  /** pgjcache with bounded replicas: {@code pgjcache.max-entries=10000} (issue 12). */
  public static final String PGJCACHE_BOUNDED = "pgjcache-bounded";

  public static final String CAFFEINE = "caffeine";
  public static final String REDISSON = "redisson";
  public static final String HAZELCAST = "hazelcast";

  private final String name;
  private final CacheManager manager;
  private final AutoCloseable owned;
  private final List<String> created = new ArrayList<>();

  Peer(String name, CacheManager manager, AutoCloseable owned) {
    this.name = name;
    this.manager = manager;
    this.owned = owned;
  }

  /** Opens the named implementation; {@link #REDISSON} needs a Redis on 127.0.0.1:6379. */
  public static Peer open(String name) {
    switch (name) {
      case PGJCACHE:
        return PgjcachePeer.open(name, false);
      case PGJCACHE_RELAXED:
        return PgjcachePeer.open(name, true);
      case PGJCACHE_BOUNDED:
        return PgjcachePeer.openBounded(name, PgjcachePeer.BOUND);
      case CAFFEINE:
        return CaffeinePeer.open(name);
      case REDISSON:
        return RedissonPeer.open(name);
      case HAZELCAST:
        return HazelcastPeer.open(name);
      default:
        throw new IllegalArgumentException("unknown implementation: " + name);
    }
  }

  public String name() {
    return name;
  }

  public CacheManager manager() {
    return manager;
  }

  /** A new store-by-value cache of the given types, as {@code MutableConfiguration} defaults it. */
  public <K, V> Cache<K, V> cache(String cacheName, Class<K> keyType, Class<V> valueType) {
    MutableConfiguration<K, V> configuration =
        new MutableConfiguration<K, V>().setTypes(keyType, valueType).setStoreByValue(true);
    String unique = cacheName + "-" + Long.toHexString(System.nanoTime());
    Cache<K, V> cache = manager.createCache(unique, RedissonPeer.wrap(this, configuration));
    created.add(unique);
    return cache;
  }

  @Override
  public void close() {
    try {
      for (String cacheName : created) {
        manager.destroyCache(cacheName);
      }
      manager.close();
    } finally {
      if (owned != null) {
        try {
          owned.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing " + name + " failed", e);
        }
      }
    }
  }

  AutoCloseable owned() {
    return owned;
  }
}
