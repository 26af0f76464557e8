package org.pgjcache.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An existing server named by {@code PGJCACHE_TEST_JDBC_URL}. Nothing is started; the databases
 * that {@link TestDatabase#createDatabase(String)} made on it are dropped when the JVM exits,
 * because a shared server must not fill up with test leftovers.
 */
final class UrlServer implements Server {

  private static final Logger LOG = LoggerFactory.getLogger(UrlServer.class);

  private final Endpoint endpoint;
  private final List<String> createdDatabases = new CopyOnWriteArrayList<>();

  private UrlServer(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Checks that the server answers {@code select 1} and returns it. */
  static UrlServer connect(String url, String user, String password) {
    Endpoint endpoint = Endpoint.parse(url, user, password);
    try (Connection connection = Jdbc.connect(endpoint.jdbcUrl())) {
      Jdbc.selectOne(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The test database given by "
              + Settings.describe(Settings.JDBC_URL)
              + " ("
              + endpoint
              + ") does not answer: "
              + e.getMessage(),
          e);
    }
    return new UrlServer(endpoint);
  }

  @Override
  public String kind() {
    return "url";
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  void created(String database) {
    createdDatabases.add(database);
  }

  @Override
  public void close() {
    if (createdDatabases.isEmpty()) {
      return;
    }
    try (Connection connection = Jdbc.connect(endpoint.jdbcUrl());
        Statement statement = connection.createStatement()) {
      for (String database : createdDatabases) {
        try {
          statement.execute("drop database if exists " + Jdbc.quote(database) + " with (force)");
        } catch (SQLException e) {
          LOG.warn("Could not drop test database {} on {}: {}", database, endpoint, e.getMessage());
        }
      }
      LOG.debug("Dropped {} test databases on {}", createdDatabases.size(), endpoint);
    } catch (SQLException e) {
      LOG.warn(
          "Could not drop the test databases {} on {}: {}",
          createdDatabases,
          endpoint,
          e.getMessage());
    }
  }
}
