package org.pgjcache.examples;

import java.util.Optional;
import java.util.Properties;
import org.pgjcache.testkit.TestDatabase;

/**
 * Where the example programs keep their caches. A real application names its database through
 * pgjcache's own settings (the {@code PGJCACHE_JDBC_URL} environment variable, a configuration file
 * or properties); the examples do the same when that variable is set, and otherwise start an
 * embedded PostgreSQL so that trying them needs nothing but a JDK and Maven.
 */
public final class ExampleDatabase {

  /** The environment variable that pgjcache itself reads for {@code pgjcache.jdbc-url}. */
  public static final String JDBC_URL_ENV = "PGJCACHE_JDBC_URL";

  /** The setting that names the database. */
  public static final String JDBC_URL = "pgjcache.jdbc-url";

  /** The setting that names the database user. */
  public static final String USER = "pgjcache.user";

  /** The setting that holds the database password. */
  public static final String PASSWORD = "pgjcache.password";

  private ExampleDatabase() {}

  /**
   * The database named by {@code PGJCACHE_JDBC_URL}, if that is set.
   *
   * @return the URL from the environment, or empty
   */
  public static Optional<String> fromEnvironment() {
    String url = System.getenv(JDBC_URL_ENV);
    return url == null || url.isBlank() ? Optional.empty() : Optional.of(url);
  }

  /**
   * The connection settings for an example's cache managers (and for anything else of the example
   * that connects, such as Hibernate's DataSource): {@code pgjcache.jdbc-url}, {@code
   * pgjcache.user} and, if there is one, {@code pgjcache.password}. They come from {@code
   * PGJCACHE_JDBC_URL}, {@code PGJCACHE_USER} and {@code PGJCACHE_PASSWORD} when the first is set
   * (pgjcache would read those by itself; they are spelled out so that the examples can show and
   * reuse them), else from a fresh database on an embedded PostgreSQL started for this JVM, which
   * stops when the JVM exits.
   *
   * @param name what the database is for; part of the fresh database's name
   * @return properties for {@code CachingProvider.getCacheManager}; a new object on each call
   */
  public static Properties connection(String name) {
    Properties properties = new Properties();
    Optional<String> url = fromEnvironment();
    if (url.isPresent()) {
      properties.setProperty(JDBC_URL, url.get());
      putIfSet(properties, USER, System.getenv("PGJCACHE_USER"));
      putIfSet(properties, PASSWORD, System.getenv("PGJCACHE_PASSWORD"));
    } else {
      TestDatabase db = TestDatabase.get();
      properties.setProperty(JDBC_URL, db.createDatabase(name));
      properties.setProperty(USER, db.user());
      putIfSet(properties, PASSWORD, db.password());
    }
    return properties;
  }

  private static void putIfSet(Properties properties, String key, String value) {
    if (value != null && !value.isEmpty()) {
      properties.setProperty(key, value);
    }
  }

  /**
   * Describes where {@link #connection(String)} points, without credentials.
   *
   * @return a short human-readable description
   */
  public static String describe() {
    if (fromEnvironment().isPresent()) {
      return "the database named by " + JDBC_URL_ENV;
    }
    TestDatabase db = TestDatabase.get();
    return db.kind() + " PostgreSQL on " + db.host() + ":" + db.port();
  }
}
