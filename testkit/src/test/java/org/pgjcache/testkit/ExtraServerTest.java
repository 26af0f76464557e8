package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExtraServerTest {

  @Test
  void appliesFilesConfigurationAndHbaRulesBeforeTheFirstStart() throws SQLException {
    Path home;
    try (ExtraServer extra =
        ExtraServer.embedded()
            .file("greeting.txt", "hello from the test")
            .config("work_mem = '7MB'")
            .hba("host all shunned 127.0.0.1/32 reject")
            .start()) {
      TestDatabase db = extra.database();
      assertThat(db.kind()).isEqualTo("embedded");
      assertThat(db.host()).isEqualTo("127.0.0.1");
      String url = db.createDatabase("extra");
      try (Connection c = DriverManager.getConnection(url);
          Statement st = c.createStatement()) {
        assertThat(query(st, "show work_mem")).isEqualTo("7MB");
        assertThat(query(st, "select pg_read_file('greeting.txt')"))
            .isEqualTo("hello from the test");
        assertThat(query(st, "select current_setting('data_directory')")).isNotBlank();
        home = Path.of(query(st, "select current_setting('data_directory')")).getParent();
        st.execute("create role shunned login");
      }
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(url.replace("user=postgres", "user=shunned")).close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("rejects connection");
      if (TestDatabase.get().kind().equals("embedded")) {
        assertThat(db.port()).isNotEqualTo(TestDatabase.get().port());
      }
    }
    assertThat(Files.exists(home)).as("the server's directory is gone after close").isFalse();
  }

  @Test
  void aStandbyStreamsFromItsPrimaryAndTakesWritesOncePromoted() throws Exception {
    try (ExtraServer primary = ExtraServer.embedded().start()) {
      String url = primary.database().createDatabase("replicated");
      try (ExtraServer standby = primary.standby()) {
        String standbyUrl =
            url.replace(
                ":" + primary.database().port() + "/", ":" + standby.database().port() + "/");
        try (Connection c = DriverManager.getConnection(url);
            Statement st = c.createStatement()) {
          assertThat(query(st, "select pg_is_in_recovery()")).isEqualTo("f");
          st.execute("create table t (v text)");
          st.execute("insert into t values ('streamed')");
        }
        try (Connection c = DriverManager.getConnection(standbyUrl);
            Statement st = c.createStatement()) {
          assertThat(query(st, "select pg_is_in_recovery()")).isEqualTo("t");
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> "streamed".equals(queryOrNull(st, "select v from t")));
          assertThatThrownBy(() -> st.execute("insert into t values ('refused')"))
              .hasMessageContaining("read-only");
        }
        primary.database().stop();
        standby.promote();
        try (Connection c = DriverManager.getConnection(standbyUrl);
            Statement st = c.createStatement()) {
          assertThat(query(st, "select pg_is_in_recovery()")).isEqualTo("f");
          st.execute("insert into t values ('after promotion')");
          assertThat(query(st, "select count(*) from t")).isEqualTo("2");
        }
      }
    }
  }

  private static String queryOrNull(Statement st, String sql) {
    try {
      return query(st, sql);
    } catch (SQLException e) {
      return null; // the table has not been replayed yet
    }
  }

  @Test
  void refusesFileNamesOutsideTheDataDirectory() {
    assertThatThrownBy(() -> ExtraServer.embedded().file("../escape", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExtraServer.embedded().file("a/b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExtraServer.embedded().file("x", "1").file("x", "2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String query(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
