package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {

  @Test
  void parsesAUrlAndRewritesItForOtherDatabases() {
    Endpoint endpoint =
        Endpoint.parse(
            "jdbc:postgresql://db.example:6543/app?ssl=false&user=alice&password=pw", null, null);
    assertThat(endpoint.host()).isEqualTo("db.example");
    assertThat(endpoint.port()).isEqualTo(6543);
    assertThat(endpoint.database()).isEqualTo("app");
    assertThat(endpoint.user()).isEqualTo("alice");
    assertThat(endpoint.password()).isEqualTo("pw");
    assertThat(endpoint.jdbcUrl("other_1"))
        .isEqualTo("jdbc:postgresql://db.example:6543/other_1?ssl=false&user=alice&password=pw");
  }

  @Test
  void explicitCredentialsWinAndAreAddedToTheUrl() {
    Endpoint endpoint =
        Endpoint.parse("jdbc:postgresql://127.0.0.1/test?user=postgres", "bob", "p&ss w");
    assertThat(endpoint.port()).isEqualTo(5432);
    assertThat(endpoint.user()).isEqualTo("bob");
    assertThat(endpoint.jdbcUrl())
        .isEqualTo("jdbc:postgresql://127.0.0.1/test?user=bob&password=p%26ss+w");
  }

  @Test
  void keepsAllHostsOfAMultiHostUrl() {
    Endpoint endpoint = Endpoint.parse("jdbc:postgresql://a:1,b:2/db", "u", null);
    assertThat(endpoint.host()).isEqualTo("a");
    assertThat(endpoint.port()).isEqualTo(1);
    assertThat(endpoint.jdbcUrl("x")).isEqualTo("jdbc:postgresql://a:1,b:2/x?user=u");
  }

  @Test
  void rejectsUrlsWithoutAHost() {
    assertThatThrownBy(() -> Endpoint.parse("jdbc:postgresql:test", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Endpoint.parse("jdbc:mysql://h/d?password=secret", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
  }
}
