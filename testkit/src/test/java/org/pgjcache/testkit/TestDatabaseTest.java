package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class TestDatabaseTest {

  private final TestDatabase database;

  TestDatabaseTest(TestDatabase database) {
    this.database = database;
  }

  @Test
  void isOnePerJvmAndAnswersSelectOne(TestDatabase parameter) throws SQLException {
    assertThat(parameter).isSameAs(database).isSameAs(TestDatabase.get());
    assertThat(database.kind()).isIn("url", "testcontainers", "embedded");
    assertThat(database.jdbcUrl())
        .startsWith(
            "jdbc:postgresql://"
                + hostInUrl()
                + ":"
                + database.port()
                + "/"
                + database.database()
                + "?");
    assertThat(selectOne(database.jdbcUrl())).isEqualTo(1);
    try (Connection connection =
        DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
      assertThat(query(connection, "select current_user")).isEqualTo(database.user());
      assertThat(query(connection, "select current_database()")).isEqualTo(database.database());
    }
  }

  @Test
  void embeddedServerListensOnLoopbackAwayFromTheDefaultPort() {
    assumeTrue(database.kind().equals("embedded"), "embedded server only");
    assertThat(database.host()).isEqualTo("127.0.0.1");
    assertThat(database.port()).isNotEqualTo(5432);
    assertThat(database.user()).isEqualTo("postgres");
    assertThat(database.database()).isEqualTo("postgres");
    assertThat(database.password()).isEmpty();
    assertThat(database.canRestart()).isTrue();
  }

  @Test
  void embeddedServerMakesTheNamedRolesAuthenticateAndTrustsTheRest() throws SQLException {
    assumeTrue(database.kind().equals("embedded"), "embedded server only");
    assertThat(database.demandsPasswords()).isTrue();
    String base = database.jdbcUrl().substring(0, database.jdbcUrl().indexOf('?'));
    String[][] roles = {
      {TestDatabase.SCRAM_ROLE_PREFIX + "kit", "scram-sha-256", "SCRAM"},
      {TestDatabase.MD5_ROLE_PREFIX + "kit", "md5", "MD5"},
      {TestDatabase.PASSWORD_ROLE_PREFIX + "kit", "scram-sha-256", "cleartext"},
      {"pgjcache_trusted_kit", "scram-sha-256", "trust"}
    };
    try (Connection admin = DriverManager.getConnection(database.jdbcUrl());
        Statement st = admin.createStatement()) {
      for (String[] role : roles) {
        st.execute("drop role if exists " + role[0]);
        st.execute("set password_encryption = '" + role[1] + "'");
        st.execute("create role " + role[0] + " login password 'right-pw'");
      }
      try {
        for (String[] role : roles) {
          boolean trusted = role[2].equals("trust");
          if (trusted) {
            try (Connection c = DriverManager.getConnection(base, role[0], "wrong-pw")) {
              assertThat(query(c, "select current_user")).isEqualTo(role[0]);
            }
          } else {
            assertThatThrownBy(() -> DriverManager.getConnection(base, role[0], "wrong-pw").close())
                .as(role[0] + " with a wrong password")
                .isInstanceOfSatisfying(
                    SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
          }
          try (Connection c = DriverManager.getConnection(base, role[0], "right-pw")) {
            assertThat(query(c, "select current_user")).as(role[2]).isEqualTo(role[0]);
          }
        }
      } finally {
        for (String[] role : roles) {
          st.execute("drop role " + role[0]);
        }
      }
    }
  }

  @Test
  void createDatabaseGivesAFreshEmptyUsableDatabase() throws SQLException {
    String url = database.createDatabase("TestDatabaseTest.create");
    String other = database.createDatabase("TestDatabaseTest.create");
    assertThat(url).isNotEqualTo(other);
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      assertThat(query(connection, "select current_database()"))
          .startsWith("testdatabasetest_create_");
      assertThat(
              query(
                  connection,
                  "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                      + " where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')"))
          .isEqualTo("0");
      statement.execute("create table t (k text primary key, v bytea)");
      statement.execute("insert into t values ('a', 'x'::bytea)");
      assertThat(query(connection, "select count(*) from t")).isEqualTo("1");
    }
    try (Connection connection = DriverManager.getConnection(other)) {
      assertThat(query(connection, "select count(*) from pg_tables where tablename = 't'"))
          .isEqualTo("0");
    }
  }

  @Test
  void stopBreaksConnectionsAndStartBringsTheSameDataBackOnTheSamePort() throws Exception {
    assumeTrue(database.canRestart(), "only the embedded server can be restarted");
    String url = database.createDatabase("restart");
    int port = database.port();
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("create table survivor (id int primary key)");
      statement.execute("insert into survivor values (42)");
    }
    try (Connection open = DriverManager.getConnection(url)) {
      database.stop();
      try {
        database.stop(); // a no-op
        assertThatThrownBy(() -> query(open, "select 1")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(url).close())
            .isInstanceOf(SQLException.class);
      } finally {
        database.start();
      }
    }
    database.start(); // a no-op
    assertThat(database.port()).isEqualTo(port);
    // start() returns once the server accepts connections; the deadline only guards against that
    // promise breaking.
    String survivor =
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(
                () -> {
                  try (Connection connection = DriverManager.getConnection(url)) {
                    return query(connection, "select id from survivor");
                  }
                },
                value -> true);
    assertThat(survivor).isEqualTo("42");
    assertThat(selectOne(database.jdbcUrl())).isEqualTo(1);
  }

  @Test
  void otherKindsCannotBeStopped() {
    assumeTrue(!database.canRestart(), "not for the embedded server");
    assertThatThrownBy(database::stop).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(database::start).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void uniqueNamesAreValidIdentifiers() {
    assertThat(TestDatabase.uniqueName(null)).matches("test_[a-z0-9]+");
    assertThat(TestDatabase.uniqueName("  ")).matches("test_[a-z0-9]+");
    assertThat(TestDatabase.uniqueName("1st Try!")).matches("db_1st_try__[a-z0-9]+");
    assertThat(TestDatabase.uniqueName("x".repeat(100))).hasSizeLessThanOrEqualTo(63);
    assertThat(TestDatabase.uniqueName("same")).isNotEqualTo(TestDatabase.uniqueName("same"));
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(Endpoint.redact("jdbc:postgresql://h/d?user=u&password=secret&ssl=false"))
        .isEqualTo("jdbc:postgresql://h/d?user=u&password=***&ssl=false");
    assertThat(database.toString())
        .contains(database.kind())
        .doesNotContain("password=" + database.password() + "&");
  }

  private String hostInUrl() {
    return database.host().contains(":") ? "[" + database.host() + "]" : database.host();
  }

  static int selectOne(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      return Integer.parseInt(query(connection, "select 1"));
    }
  }

  static String query(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet resultSet = statement.executeQuery(sql)) {
      assertThat(resultSet.next()).isTrue();
      return resultSet.getString(1);
    }
  }
}
