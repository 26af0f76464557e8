package org.pgjcache.backend.postgres.listen;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Where the tests of this package find PostgreSQL. */
final class TestDb {

    private TestDb() {
    }

    /**
     * The one place that says which database the tests use (to be replaced by the testkit's
     * {@code TestDatabase} once it exists): {@code PGJCACHE_TEST_JDBC_URL}, else the local server.
     */
    static String jdbcUrl() {
        String url = System.getenv("PGJCACHE_TEST_JDBC_URL");
        return url != null && !url.isBlank() ? url : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    }

    static ListenTarget target() {
        return ListenTarget.fromJdbcUrl(jdbcUrl(), null, null);
    }

    /** A pgjdbc connection (autocommit) to the same database, for sending notifications and admin work. */
    static Connection jdbc() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }
}
