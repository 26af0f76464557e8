package org.pgjcache.backend.postgres.listen;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.pgjcache.testkit.TestDatabase;

/** Where the tests of this package find PostgreSQL. */
final class TestDb {

  private TestDb() {}

  /** The one place that says which database the tests use: the testkit's. */
  static String jdbcUrl() {
    return TestDatabase.get().jdbcUrl();
  }

  static ListenTarget target() {
    TestDatabase db = TestDatabase.get();
    return ListenTarget.fromJdbcUrl(db.jdbcUrl(), db.user(), db.password());
  }

  /**
   * A pgjdbc connection (autocommit) to the same database, for sending notifications and admin
   * work.
   */
  static Connection jdbc() throws SQLException {
    TestDatabase db = TestDatabase.get();
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }
}
