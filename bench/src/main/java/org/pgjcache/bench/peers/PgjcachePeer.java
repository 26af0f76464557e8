package org.pgjcache.bench.peers;

import java.net.URI;
import java.util.Properties;
import java.util.UUID;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.pgjcache.bench.BenchDatabase;

/** Opens pgjcache cache managers on a benchmark database, each one a separate node if asked. */
public final class PgjcachePeer {

  /** The provider's class name; several providers share the class path here. */
  public static final String PROVIDER = "org.pgjcache.PgCachingProvider";

  /** The bound of {@link Peer#PGJCACHE_BOUNDED}'s caches. */
  public static final int BOUND = 10_000;

  private PgjcachePeer() {}

  static Peer open(String name, boolean relaxed) {
    BenchDatabase db = BenchDatabase.fresh(name.replace('-', '_'));
    Properties properties = properties(db);
    if (relaxed) {
      properties.setProperty("pgjcache.durability", "relaxed");
    }
    return new Peer(name, node(properties, "bench"), null);
  }

  /** pgjcache whose every cache is bounded to {@code maxEntries} entries per node. */
  static Peer openBounded(String name, int maxEntries) {
    BenchDatabase db = BenchDatabase.fresh(name.replace('-', '_'));
    Properties properties = properties(db);
    properties.setProperty("pgjcache.max-entries", Integer.toString(maxEntries));
    return new Peer(name, node(properties, "bench"), null);
  }

  /**
   * The settings of a node on {@code db}. Each manager gets its own backend (pool and LISTEN
   * connection), as a separate JVM would have.
   */
  public static Properties properties(BenchDatabase db) {
    Properties p = new Properties();
    p.setProperty("pgjcache.jdbc-url", db.jdbcUrl());
    p.setProperty("pgjcache.user", db.user());
    if (db.password() != null && !db.password().isEmpty()) {
      p.setProperty("pgjcache.password", db.password());
    }
    p.setProperty("pgjcache.shared-backend", "false");
    return p;
  }

  /** A cache manager with its own URI, so that it is a node of its own. */
  public static CacheManager node(Properties properties, String nodeName) {
    CachingProvider provider = Caching.getCachingProvider(PROVIDER);
    URI uri = URI.create("pgjcache:" + nodeName + "-" + UUID.randomUUID());
    return provider.getCacheManager(uri, PgjcachePeer.class.getClassLoader(), properties);
  }
}
