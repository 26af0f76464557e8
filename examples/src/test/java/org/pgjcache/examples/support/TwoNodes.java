package org.pgjcache.examples.support;

import java.net.URI;
import java.util.Properties;
import java.util.UUID;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.pgjcache.testkit.TestDatabase;

/**
 * Two cache managers that behave as two JVMs (a backend each: {@code
 * pgjcache.shared-backend=false}) on one fresh test database; closing this closes both.
 */
public final class TwoNodes implements AutoCloseable {

  private final CacheManager a;
  private final CacheManager b;

  private TwoNodes(CacheManager a, CacheManager b) {
    this.a = a;
    this.b = b;
  }

  /**
   * Opens two nodes on a new database.
   *
   * @param name prefix of the database's name
   * @return the nodes
   */
  public static TwoNodes onFreshDatabase(String name) {
    TestDatabase db = TestDatabase.get();
    Properties properties = new Properties();
    properties.setProperty("pgjcache.jdbc-url", db.createDatabase(name));
    properties.setProperty("pgjcache.user", db.user());
    if (!db.password().isEmpty()) {
      properties.setProperty("pgjcache.password", db.password());
    }
    properties.setProperty("pgjcache.shared-backend", "false");
    String tag = UUID.randomUUID().toString().substring(0, 8);
    CachingProvider provider = Caching.getCachingProvider();
    ClassLoader loader = TwoNodes.class.getClassLoader();
    CacheManager a =
        provider.getCacheManager(URI.create("pgjcache:" + tag + "-a"), loader, properties);
    try {
      CacheManager b =
          provider.getCacheManager(URI.create("pgjcache:" + tag + "-b"), loader, properties);
      return new TwoNodes(a, b);
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  /**
   * @return the first node's cache manager
   */
  public CacheManager a() {
    return a;
  }

  /**
   * @return the second node's cache manager
   */
  public CacheManager b() {
    return b;
  }

  @Override
  public void close() {
    try {
      b.close();
    } finally {
      a.close();
    }
  }
}
