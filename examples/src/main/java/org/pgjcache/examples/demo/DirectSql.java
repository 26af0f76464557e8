package org.pgjcache.examples.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.pgjcache.config.Settings;

/**
 * What the demo does to the database behind pgjcache's back, the way an operator or another program
 * would: plain JDBC with the same credentials, no pgjcache involved.
 */
final class DirectSql implements AutoCloseable {

  /** Value tag pgjcache uses for a {@code String}: one byte, then the UTF-8 text. */
  private static final String STRING_TAG = "'\\x02'::bytea";

  private final Connection connection;
  private final String table;
  private final String sequence;

  DirectSql(Settings settings) throws SQLException {
    Properties login = new Properties();
    login.setProperty("user", settings.user());
    settings.password().ifPresent(p -> login.setProperty("password", p));
    this.connection = DriverManager.getConnection(settings.jdbcUrl(), login);
    this.table = quote(settings.schema()) + "." + quote(settings.table());
    this.sequence = quote(settings.schema()) + "." + quote(settings.table() + "_rev");
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Ends a server process with {@code pg_terminate_backend}, as a DBA would; true if signalled. */
  boolean terminate(int pid) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement("select pg_terminate_backend(?)")) {
      s.setInt(1, pid);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  /** Waits until the server process is gone; false if it still runs after {@code timeout}. */
  boolean awaitGone(int pid, Duration timeout) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (PreparedStatement s =
        connection.prepareStatement("select count(*) from pg_stat_activity where pid = ?")) {
      s.setInt(1, pid);
      while (System.nanoTime() < deadline) {
        try (ResultSet r = s.executeQuery()) {
          r.next();
          if (r.getInt(1) == 0) {
            return true;
          }
        }
        Thread.sleep(5);
      }
    }
    return false;
  }

  /**
   * Overwrites a String entry with a new value and a new revision, as pgjcache would, but without
   * its NOTIFY: no node hears of it.
   *
   * @return the new revision
   */
  long overwrite(String cache, String key, String value) throws SQLException {
    String sql =
        "update "
            + table
            + " set value = "
            + STRING_TAG
            + " || convert_to(?, 'UTF8'),"
            + " rev = nextval('"
            + sequence.replace("'", "''")
            + "'), updated_at = now()"
            + " where cache = ? and key = ? returning rev";
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      s.setString(1, value);
      s.setString(2, cache);
      s.setString(3, "s:" + key);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("no row for key '" + key + "' in cache '" + cache + "'");
        }
        return r.getLong(1);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
