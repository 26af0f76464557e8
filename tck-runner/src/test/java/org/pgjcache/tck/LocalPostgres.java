package org.pgjcache.tck;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary stand-in for {@code org.pgjcache.testkit.TestDatabase}, with the same methods, so that
 * {@link TckDatabaseListener} switches to the real thing by changing one line.
 *
 * <p>It uses an already running PostgreSQL that trusts local connections: by default
 * {@code jdbc:postgresql://127.0.0.1:5432/test} as user {@code postgres}; override with the system
 * properties {@code pgjcache.tck.local-url}, {@code pgjcache.tck.local-user} and
 * {@code pgjcache.tck.local-password}. Databases it creates are dropped when the JVM exits.
 */
final class LocalPostgres {

  private static final LocalPostgres INSTANCE = new LocalPostgres(
      System.getProperty("pgjcache.tck.local-url", "jdbc:postgresql://127.0.0.1:5432/test"),
      System.getProperty("pgjcache.tck.local-user", "postgres"),
      System.getProperty("pgjcache.tck.local-password", ""));

  private final String jdbcUrl;
  private final String user;
  private final String password;

  private LocalPostgres(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  static LocalPostgres get() {
    return INSTANCE;
  }

  String jdbcUrl() {
    return jdbcUrl;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /**
   * Creates an empty database named {@code <prefix>_<random>} on the same server.
   *
   * @return the JDBC URL of the new database
   */
  String createDatabase(String prefix) {
    String name = prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    execute("CREATE DATABASE " + name);
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"), "drop-" + name));
    int slash = jdbcUrl.lastIndexOf('/');
    int query = jdbcUrl.indexOf('?', slash);
    return jdbcUrl.substring(0, slash + 1) + name + (query < 0 ? "" : jdbcUrl.substring(query));
  }

  private void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed on " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }
}
