package org.pgjcache.examples.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.stat.Statistics;
import org.pgjcache.examples.ExampleDatabase;

/**
 * One instance of an application that uses Hibernate with pgjcache as its second-level cache: a
 * connection pool, a SessionFactory, and the pgjcache configuration file the SessionFactory's cache
 * manager is opened from.
 *
 * <p>The part that matters is in {@link #hibernateSettings}: {@code
 * hibernate.cache.region.factory_class = jcache} and {@code hibernate.javax.cache.uri} naming a
 * pgjcache configuration file. Hibernate resolves that URI as a resource (a {@code file:} URL, or a
 * class path resource name), so it must name a file that exists; pgjcache's {@code pgjcache:name}
 * URIs, which name no file, are not accepted there. A production instance has one such file (say
 * {@code /etc/shop/pgjcache.properties}); two nodes in one JVM need two, because a URI identifies
 * one cache manager, and {@code shared-backend: false} gives each its own connections, as a
 * separate JVM would have.
 */
public final class CatalogNode implements AutoCloseable {

  private final HikariDataSource dataSource;
  private final SessionFactory sessionFactory;

  private CatalogNode(HikariDataSource dataSource, SessionFactory sessionFactory) {
    this.dataSource = dataSource;
    this.sessionFactory = sessionFactory;
  }

  /**
   * Starts a node: writes its pgjcache file into {@code configDir}, opens a pool and builds the
   * SessionFactory.
   *
   * @param name the node's name ({@code pgjcache.node-name}) and the name of its file
   * @param connection {@code pgjcache.jdbc-url}, {@code pgjcache.user}, {@code pgjcache.password}
   * @param configDir where the node's pgjcache configuration file is written
   * @param createSchema whether this node creates the tables (one node does; the others find them)
   * @return the running node; close it
   * @throws IOException if the configuration file cannot be written
   */
  public static CatalogNode start(
      String name, Properties connection, Path configDir, boolean createSchema) throws IOException {
    URI pgjcacheConfig = writeConfig(name, connection, configDir);
    HikariDataSource dataSource = dataSource(name, connection);
    try {
      StandardServiceRegistry registry =
          new StandardServiceRegistryBuilder()
              .applySettings(hibernateSettings(pgjcacheConfig, createSchema))
              .applySetting("hibernate.connection.datasource", dataSource)
              .build();
      try {
        SessionFactory sessionFactory =
            new MetadataSources(registry)
                .addAnnotatedClass(Product.class)
                .buildMetadata()
                .buildSessionFactory();
        return new CatalogNode(dataSource, sessionFactory);
      } catch (RuntimeException e) {
        StandardServiceRegistryBuilder.destroy(registry);
        throw e;
      }
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /**
   * What Hibernate needs to put its second-level cache into pgjcache.
   *
   * @param pgjcacheConfig the pgjcache configuration file of this node
   * @param createSchema whether Hibernate creates the tables
   * @return Hibernate settings
   */
  static Properties hibernateSettings(URI pgjcacheConfig, boolean createSchema) {
    Properties p = new Properties();
    p.setProperty("hibernate.cache.use_second_level_cache", "true");
    p.setProperty("hibernate.cache.region.factory_class", "jcache");
    p.setProperty("hibernate.javax.cache.uri", pgjcacheConfig.toString());
    // pgjcache creates caches on request; Hibernate should ask for its regions without a warning
    p.setProperty("hibernate.javax.cache.missing_cache_strategy", "create");
    p.setProperty("hibernate.generate_statistics", "true");
    p.setProperty("hibernate.hbm2ddl.auto", createSchema ? "update" : "none");
    return p;
  }

  /**
   * The node's pgjcache file: where the database is, and nothing about Hibernate (its cache keys
   * and entries are in pgjcache's default serialization allowlist; the entity's fields are JDK
   * types).
   */
  private static URI writeConfig(String name, Properties connection, Path configDir)
      throws IOException {
    Properties p = new Properties();
    p.putAll(connection);
    p.setProperty("pgjcache.node-name", name);
    p.setProperty("pgjcache.shared-backend", "false");
    Path file = configDir.resolve(name + ".properties");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "pgjcache settings of " + name + " (second-level cache of its SessionFactory)");
    }
    return file.toUri();
  }

  private static HikariDataSource dataSource(String name, Properties connection) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("catalog-" + name);
    config.setJdbcUrl(connection.getProperty(ExampleDatabase.JDBC_URL));
    config.setUsername(connection.getProperty(ExampleDatabase.USER));
    config.setPassword(connection.getProperty(ExampleDatabase.PASSWORD));
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  /**
   * @return the node's SessionFactory
   */
  public SessionFactory sessionFactory() {
    return sessionFactory;
  }

  /**
   * @return the node's Hibernate statistics (second-level cache hits, statements, ...)
   */
  public Statistics statistics() {
    return sessionFactory.getStatistics();
  }

  /**
   * Runs work in a transaction of a new session.
   *
   * @param work what to do
   * @param <T> what the work returns
   * @return what the work returned
   */
  public <T> T inTransaction(Function<Session, T> work) {
    try (Session session = sessionFactory.openSession()) {
      Transaction tx = session.beginTransaction();
      try {
        T result = work.apply(session);
        tx.commit();
        return result;
      } catch (RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
  }

  /**
   * Loads a product in a new session: from the second-level cache if it is there.
   *
   * @param id the product's id
   * @return the product, detached, or null
   */
  public Product find(long id) {
    try (Session session = sessionFactory.openSession()) {
      return session.find(Product.class, id);
    }
  }

  @Override
  public void close() {
    try {
      sessionFactory.close();
    } finally {
      dataSource.close();
    }
  }
}
