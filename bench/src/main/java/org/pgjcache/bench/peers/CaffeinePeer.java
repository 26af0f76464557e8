package org.pgjcache.bench.peers;

import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;

/** Caffeine's JCache: the local-only speed anchor. */
final class CaffeinePeer {

  static final String PROVIDER = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

  private CaffeinePeer() {}

  static Peer open(String name) {
    CachingProvider provider = Caching.getCachingProvider(PROVIDER);
    CacheManager manager =
        provider.getCacheManager(provider.getDefaultURI(), CaffeinePeer.class.getClassLoader());
    return new Peer(name, manager, null);
  }
}
