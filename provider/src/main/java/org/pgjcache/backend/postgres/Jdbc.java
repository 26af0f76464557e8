package org.pgjcache.backend.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import javax.cache.CacheException;
import javax.sql.DataSource;

/** Runs database work with a pooled connection and turns failures into {@link CacheException}s. */
final class Jdbc {

  /** A piece of work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Takes a connection from a pool, waiting at most a given time for one. */
  @FunctionalInterface
  interface Borrower {
    Connection borrow(long timeoutMillis) throws SQLException;
  }

  private final DataSource pool;
  private final String target;
  private final Borrower borrower;

  Jdbc(DataSource pool, String target) {
    this(pool, target, timeoutMillis -> pool.getConnection());
  }

  /** With a borrower that honours a wait shorter than the pool's own, for calls with a deadline. */
  Jdbc(DataSource pool, String target, Borrower borrower) {
    this.pool = pool;
    this.target = target;
    this.borrower = borrower;
  }

  /**
   * A pooled connection within {@code timeoutMillis} at most (the pool's own timeout if the borrower
   * cannot wait less); the caller closes it.
   */
  Connection borrow(long timeoutMillis) throws SQLException {
    return borrower.borrow(timeoutMillis);
  }

  /** The database, for messages; never a password. */
  String target() {
    return target;
  }

  <T> T run(String what, String cache, Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(what, cache, e);
    }
  }

  /** Runs work in one transaction; whatever it throws rolls it back and reaches the caller as is. */
  <T> T transaction(String what, String cache, Work<T> work) {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollback(connection, e);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, cache, e);
    }
  }

  private static void rollback(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  CacheException failure(String what, String cache, SQLException e) {
    String where = cache == null ? "" : " for cache '" + cache + "'";
    return new CacheException(what + where + " failed on PostgreSQL " + target + ": "
        + e.getMessage() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"), e);
  }
}
