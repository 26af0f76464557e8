package org.pgjcache.examples;

import java.util.Optional;
import java.util.Properties;
import org.pgjcache.testkit.TestDatabase;

/**
 * Where the example programs keep their caches. A real application names its database through
 * pgjcache's own settings (the {@code PGJCACHE_JDBC_URL} environment variable, a configuration file
 * or properties); the examples do the same when that variable is set, and otherwise start an embedded
 * PostgreSQL so that trying them needs nothing but a JDK and Maven.
 */
public final class ExampleDatabase {

  /** The environment variable that pgjcache itself reads for {@code pgjcache.jdbc-url}. */
  public static final String JDBC_URL_ENV = "PGJCACHE_JDBC_URL";

  private ExampleDatabase() {
  }

  /**
   * Whether {@code PGJCACHE_JDBC_URL} names the database. pgjcache reads that variable (and
   * {@code PGJCACHE_USER}, {@code PGJCACHE_PASSWORD}) by itself, so a program then passes nothing.
   *
   * @return the URL from the environment, or empty
   */
  public static Optional<String> fromEnvironment() {
    String url = System.getenv(JDBC_URL_ENV);
    return url == null || url.isBlank() ? Optional.empty() : Optional.of(url);
  }

  /**
   * The connection settings for an example's cache managers: none when {@code PGJCACHE_JDBC_URL} is
   * set (pgjcache picks it up from the environment), else {@code pgjcache.jdbc-url} and
   * {@code pgjcache.user} of a fresh database on an embedded PostgreSQL started for this JVM, which
   * stops when the JVM exits.
   *
   * @param name what the database is for; part of the fresh database's name
   * @return properties to pass to {@code CachingProvider.getCacheManager}; a new object on each call
   */
  public static Properties connection(String name) {
    Properties properties = new Properties();
    if (fromEnvironment().isEmpty()) {
      TestDatabase db = TestDatabase.get();
      properties.setProperty("pgjcache.jdbc-url", db.createDatabase(name));
      properties.setProperty("pgjcache.user", db.user());
      if (!db.password().isEmpty()) {
        properties.setProperty("pgjcache.password", db.password());
      }
    }
    return properties;
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
