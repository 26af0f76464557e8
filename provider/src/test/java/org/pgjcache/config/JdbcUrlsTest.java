package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one reading of a URL's host list, shared by messages and the LISTEN client. */
class JdbcUrlsTest {

  @Test
  void hostListsKeepOrderAndTakeIpv6LiteralsWithoutBrackets() {
    assertThat(JdbcUrls.hosts("a:5433,[::1]:6000,,[fe80::2],b"))
        .containsExactly(
            new JdbcUrls.Host("a", "5433"),
            new JdbcUrls.Host("::1", "6000"),
            new JdbcUrls.Host("localhost", ""),
            new JdbcUrls.Host("fe80::2", ""),
            new JdbcUrls.Host("b", ""));
  }

  @Test
  void malformedHostListsAreRefusedWithoutQuotingTheUrl() {
    for (String bad : List.of("[::1", "[::1]x:5432", "a,[secret")) {
      assertThatThrownBy(() -> JdbcUrls.hosts(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .message()
          .doesNotContain("secret")
          .doesNotContain("::1");
    }
  }

  @Test
  void descriptionsNameEveryHostWithDefaultsFilledIn() {
    assertThat(JdbcUrls.describe("jdbc:postgresql://a,[::1]:6000,:7000/app?password=s", "u"))
        .isEqualTo("a:5432,[::1]:6000,localhost:7000/app");
    assertThat(JdbcUrls.describe("jdbc:postgresql:app", "u")).isEqualTo("localhost:5432/app");
    assertThat(JdbcUrls.describe("jdbc:postgresql://h/", "u")).isEqualTo("h:5432/u");
  }

  @Test
  void aDescriptionOfAMalformedHostListStillHidesCredentials() {
    assertThat(JdbcUrls.describe("jdbc:postgresql://[::1/app?password=secret", "u"))
        .doesNotContain("secret")
        .endsWith("/app");
  }
}
