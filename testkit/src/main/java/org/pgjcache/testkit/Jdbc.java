package org.pgjcache.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** The few JDBC chores the testkit does itself. */
final class Jdbc {

  /** Seconds to wait for a TCP connection and for the login, so that a dead server fails fast. */
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  private Jdbc() {}

  /** Connects with bounded connect and login timeouts (URL parameters still win). */
  static Connection connect(String url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("ApplicationName", "pgjcache-testkit");
    return DriverManager.getConnection(url, properties);
  }

  static void selectOne(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet resultSet = statement.executeQuery("select 1")) {
      if (!resultSet.next() || resultSet.getInt(1) != 1) {
        throw new SQLException("select 1 did not return 1");
      }
    }
  }

  /** Quotes an identifier. */
  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
