package org.pgjcache;

import javax.cache.CacheManager;

/**
 * What a pgjcache {@link CacheManager} offers beyond JCache: the health of this node's
 * synchronisation with the database. Get it with {@code cacheManager.unwrap(PgCacheManager.class)}.
 *
 * <p>The {@code unwrap} targets pgjcache supports are this interface (from a {@code CacheManager})
 * and the same class or interface the caller already holds; every other type of the provider is
 * internal and may change in any release.
 */
public interface PgCacheManager extends CacheManager {

  /**
   * The synchronisation health of this manager's node (shared by every manager on the same
   * backend): checksums per cache, heartbeats, repairs, skipped notifications, whether it listens.
   */
  NodeSync sync();
}
