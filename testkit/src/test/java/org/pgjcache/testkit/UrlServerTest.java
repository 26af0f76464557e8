package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The url kind, tried against whatever server this JVM has, addressed by URL. */
@ExtendWith(PostgresExtension.class)
class UrlServerTest {

  @Test
  void connectsToAGivenServerAndDropsTheDatabasesItCreatedOnClose(TestDatabase shared)
      throws SQLException {
    String url =
        "jdbc:postgresql://" + shared.host() + ":" + shared.port() + "/" + shared.database();
    UrlServer server = UrlServer.connect(url, shared.user(), shared.password());
    TestDatabase viaUrl = new TestDatabase(server);
    assertThat(viaUrl.kind()).isEqualTo("url");
    assertThat(viaUrl.port()).isEqualTo(shared.port());
    assertThat(viaUrl.canRestart()).isFalse();

    String created = viaUrl.createDatabase("dropped on close");
    String name = created.substring(created.lastIndexOf('/') + 1, created.indexOf('?'));
    assertThat(TestDatabaseTest.selectOne(created)).isEqualTo(1);

    server.close();
    try (Connection connection = DriverManager.getConnection(shared.jdbcUrl())) {
      assertThat(
              TestDatabaseTest.query(
                  connection, "select count(*) from pg_database where datname = '" + name + "'"))
          .isEqualTo("0");
    }
  }

  @Test
  void failsClearlyWhenNothingListens() {
    assertThatThrownBy(
            () ->
                UrlServer.connect(
                    "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "u", "secret"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not answer")
        .hasMessageNotContaining("secret");
  }
}
