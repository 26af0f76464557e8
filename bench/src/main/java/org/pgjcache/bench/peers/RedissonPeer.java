package org.pgjcache.bench.peers;

import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/** Redisson's JCache on the Redis of this machine: the closest distributed peer. */
final class RedissonPeer {

  static final String PROVIDER = "org.redisson.jcache.JCachingProvider";

  private RedissonPeer() {}

  static Peer open(String name) {
    if (!Redis.answers()) {
      throw new IllegalStateException("skipped: no Redis at " + Redis.HOST + ":" + Redis.PORT);
    }
    Config config = new Config();
    config.useSingleServer().setAddress("redis://" + Redis.HOST + ":" + Redis.PORT);
    RedissonClient client = Redisson.create(config);
    CachingProvider provider = Caching.getCachingProvider(PROVIDER);
    CacheManager manager =
        provider.getCacheManager(provider.getDefaultURI(), RedissonPeer.class.getClassLoader());
    return new Peer(name, manager, new RedissonOwned(client));
  }

  /**
   * Redisson takes its client through its own configuration type; the others take the JCache one.
   */
  static <K, V> Configuration<K, V> wrap(Peer peer, Configuration<K, V> configuration) {
    if (peer.owned() instanceof RedissonOwned owned) {
      return RedissonConfiguration.fromInstance(owned.client, configuration);
    }
    return configuration;
  }

  /** The Redisson client a peer owns. */
  private record RedissonOwned(RedissonClient client) implements AutoCloseable {
    @Override
    public void close() {
      client.shutdown();
    }
  }
}
