package org.pgjcache.support;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.pgjcache.testkit.TestDatabase;

/**
 * Opens cache managers that behave as separate nodes (each with its own backend: pool and LISTEN
 * connection) on one test database, and closes them all at the end of a test.
 */
public final class Nodes implements AutoCloseable {

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String tag = UUID.randomUUID().toString().substring(0, 8);
  private final List<CacheManager> opened = new ArrayList<>();

  /** Nodes on a fresh, empty database. */
  public static Nodes freshDatabase(String prefix) {
    TestDatabase db = TestDatabase.get();
    return new Nodes(db.createDatabase(prefix), db.user(), db.password());
  }

  public Nodes(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The settings a node uses; tests may add to them. */
  public Properties properties() {
    Properties p = new Properties();
    p.setProperty("pgjcache.jdbc-url", jdbcUrl);
    p.setProperty("pgjcache.user", user);
    if (password != null && !password.isEmpty()) {
      p.setProperty("pgjcache.password", password);
    }
    p.setProperty("pgjcache.shared-backend", "false");
    p.setProperty("pgjcache.connect-timeout", "5s");
    return p;
  }

  /**
   * {@link #properties()} for a node named {@code name} that beats every 500 ms and reconnects
   * after 100 ms.
   */
  public Properties fast(String name) {
    Properties p = properties();
    p.setProperty("pgjcache.node-name", name);
    p.setProperty("pgjcache.heartbeat-interval", "500ms");
    p.setProperty("pgjcache.reconnect-interval", "100ms");
    return p;
  }

  public CacheManager node(String name) {
    return node(name, properties());
  }

  public CacheManager node(String name, Properties properties) {
    CachingProvider provider = Caching.getCachingProvider();
    CacheManager manager =
        provider.getCacheManager(
            URI.create("pgjcache:" + tag + "-" + name), getClass().getClassLoader(), properties);
    opened.add(manager);
    return manager;
  }

  @Override
  public void close() {
    for (CacheManager manager : opened) {
      manager.close();
    }
    opened.clear();
  }
}
