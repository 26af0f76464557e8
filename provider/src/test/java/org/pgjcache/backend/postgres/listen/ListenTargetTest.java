package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenTargetTest {

  @Test
  void fullUrl() {
    ListenTarget t =
        ListenTarget.fromJdbcUrl(
            "jdbc:postgresql://db.example:6543/cachedb?user=alice&password=s3cret&sslmode=require&ApplicationName=node%201",
            null, null);
    assertThat(t)
        .isEqualTo(
            new ListenTarget(
                "db.example", 6543, "cachedb", "alice", "s3cret", SslMode.REQUIRE, "node 1"));
  }

  @Test
  void defaults() {
    ListenTarget t = ListenTarget.fromJdbcUrl("jdbc:postgresql://", "bob", null);
    assertThat(t.host()).isEqualTo("localhost");
    assertThat(t.port()).isEqualTo(5432);
    assertThat(t.database()).isEqualTo("bob");
    assertThat(t.password()).isNull();
    assertThat(t.sslMode()).isEqualTo(SslMode.PREFER);
    assertThat(t.applicationName()).isNull();

    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://h", "bob", null).database())
        .isEqualTo("bob");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://h/", "bob", null).database())
        .isEqualTo("bob");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://h:5433", "bob", null).port())
        .isEqualTo(5433);
  }

  @Test
  void shortForms() {
    ListenTarget t = ListenTarget.fromJdbcUrl("jdbc:postgresql:mydb?user=u", null, null);
    assertThat(t.host()).isEqualTo("localhost");
    assertThat(t.database()).isEqualTo("mydb");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql:/", "u", null).database()).isEqualTo("u");
  }

  @Test
  void explicitArgumentsWinOverUrlParameters() {
    ListenTarget t =
        ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db?user=url&password=urlpw", "arg", "argpw");
    assertThat(t.user()).isEqualTo("arg");
    assertThat(t.password()).isEqualTo("argpw");
    ListenTarget fallback =
        ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db?user=url&password=urlpw", null, null);
    assertThat(fallback.user()).isEqualTo("url");
    assertThat(fallback.password()).isEqualTo("urlpw");
  }

  @Test
  void multiHostTakesTheFirst() {
    ListenTarget t =
        ListenTarget.fromJdbcUrl(
            "jdbc:postgresql://a:5433,b:5434/db?user=u&targetServerType=primary", null, null);
    assertThat(t.host()).isEqualTo("a");
    assertThat(t.port()).isEqualTo(5433);
    assertThat(t.database()).isEqualTo("db");
  }

  @Test
  void ipv6() {
    ListenTarget t = ListenTarget.fromJdbcUrl("jdbc:postgresql://[::1]:5544/db", "u", null);
    assertThat(t.host()).isEqualTo("::1");
    assertThat(t.port()).isEqualTo(5544);
    assertThat(t.address()).isEqualTo("[::1]:5544/db");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://[fe80::1]/db", "u", null).port())
        .isEqualTo(5432);
  }

  @Test
  void percentEncoding() {
    ListenTarget t =
        ListenTarget.fromJdbcUrl(
            "jdbc:postgresql://h/my%20db?user=a%26b&password=p%3Dq%26r", null, null);
    assertThat(t.database()).isEqualTo("my db");
    assertThat(t.user()).isEqualTo("a&b");
    assertThat(t.password()).isEqualTo("p=q&r");
  }

  @Test
  void sslModes() {
    assertThat(mode("sslmode=disable")).isEqualTo(SslMode.DISABLE);
    assertThat(mode("sslmode=allow")).isEqualTo(SslMode.PREFER);
    assertThat(mode("sslmode=prefer")).isEqualTo(SslMode.PREFER);
    assertThat(mode("sslmode=REQUIRE")).isEqualTo(SslMode.REQUIRE);
    assertThat(mode("ssl=false")).isEqualTo(SslMode.PREFER);
    assertThat(mode("ssl=true&sslmode=require")).isEqualTo(SslMode.REQUIRE);
    assertThat(mode("sslmode=verify-ca")).isEqualTo(SslMode.VERIFY_CA);
    assertThat(mode("sslmode=Verify-Full")).isEqualTo(SslMode.VERIFY_FULL);
    // pgjdbc: ssl=true, or a bare ssl, without sslmode means verify-full.
    assertThat(mode("ssl=true")).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(mode("ssl")).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(mode("ssl=false&sslmode=verify-ca")).isEqualTo(SslMode.VERIFY_CA);
    assertThatThrownBy(() -> mode("sslmode=sometimes"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sslModeProperties() {
    assertThat(SslMode.values())
        .filteredOn(SslMode::requiresTls)
        .containsExactly(SslMode.REQUIRE, SslMode.VERIFY_CA, SslMode.VERIFY_FULL);
    assertThat(SslMode.values())
        .filteredOn(SslMode::verifiesCertificate)
        .containsExactly(SslMode.VERIFY_CA, SslMode.VERIFY_FULL);
    assertThat(SslMode.values())
        .filteredOn(SslMode::verifiesHostName)
        .containsExactly(SslMode.VERIFY_FULL);
    assertThat(SslMode.VERIFY_FULL.urlName()).isEqualTo("verify-full");
  }

  @Test
  void tlsFilesAreTakenFromTheUrl() {
    ListenTarget t =
        ListenTarget.fromJdbcUrl(
            "jdbc:postgresql://h/db?user=u&sslmode=verify-full"
                + "&sslrootcert=%2Fetc%2Fca.pem&sslcert=c.crt&sslkey=c.pk8&sslpassword=k3y",
            null, null);
    assertThat(t.tls()).isEqualTo(new TlsOptions("/etc/ca.pem", "c.crt", "c.pk8", "k3y", null));
    assertThat(t.toString()).doesNotContain("k3y").contains("keyPassword=(set)");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db?user=u", null, null).tls())
        .isEqualTo(TlsOptions.DEFAULTS);
    assertThat(
            ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db?user=u&sslcert=&sslkey=", null, null)
                .tls())
        .isEqualTo(new TlsOptions(null, "", "", null, null));
    assertThatThrownBy(
            () ->
                ListenTarget.fromJdbcUrl(
                    "jdbc:postgresql://h/db?user=u&sslpassword=k3y&sslmode=x", null, null))
        .message()
        .doesNotContain("k3y");
  }

  @Test
  void errorsNeverShowCredentialsWhereverTheUrlCarriesThem() {
    for (String url :
        new String[] {
          "jdbc:postgresql://alice:s3cret@h:99999/db?user=u",
          "jdbc:postgresql://h/db?user=u&password=s3cret&sslmode=nonsense",
          "jdbc:postgresql://h:port/db?PASSWORD=s3cret"
        }) {
      assertThatThrownBy(() -> ListenTarget.fromJdbcUrl(url, null, null))
          .as(url)
          .message()
          .doesNotContain("s3cret");
    }
  }

  @Test
  void sslFactories() {
    String base = "jdbc:postgresql://h/db?user=u&sslmode=";
    assertThat(
            ListenTarget.fromJdbcUrl(
                    base + "verify-full&sslfactory=org.postgresql.ssl.LibPQFactory", null, null)
                .tls()
                .factory())
        .isNull();
    assertThat(
            ListenTarget.fromJdbcUrl(
                    base + "verify-ca&sslfactory=org.postgresql.ssl.jdbc4.LibPQFactory", null, null)
                .tls()
                .factory())
        .isNull();
    assertThat(
            ListenTarget.fromJdbcUrl(
                    base + "verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory",
                    null,
                    null)
                .tls()
                .factory())
        .isEqualTo(TlsOptions.JAVA_DEFAULT_FACTORY);
    // Trusting every certificate, or a class we cannot run, would weaken what verify-* asks for.
    assertThatThrownBy(
            () ->
                ListenTarget.fromJdbcUrl(
                    base + "verify-full&sslfactory=org.postgresql.ssl.NonValidatingFactory",
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sslfactory=org.postgresql.ssl.NonValidatingFactory")
        .hasMessageContaining("verify-full");
    assertThatThrownBy(
            () ->
                ListenTarget.fromJdbcUrl(
                    base + "verify-ca&sslfactory=com.example.Custom", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("com.example.Custom");
    // prefer/require verify nothing anyway; as before, the factory does not matter to them.
    assertThat(
            ListenTarget.fromJdbcUrl(
                    base + "require&sslfactory=org.postgresql.ssl.NonValidatingFactory", null, null)
                .tls()
                .factory())
        .isNull();
  }

  @Test
  void customHostNameVerifierIsRefusedForVerifyFullOnly() {
    String query = "&sslhostnameverifier=com.example.Lenient";
    assertThatThrownBy(() -> mode("sslmode=verify-full" + query))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sslhostnameverifier=com.example.Lenient");
    assertThat(mode("sslmode=verify-ca" + query)).isEqualTo(SslMode.VERIFY_CA);
  }

  @Test
  void toStringAndErrorsNeverShowThePassword() {
    ListenTarget t =
        ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db?user=u&password=hunter2", null, null);
    assertThat(t.toString()).doesNotContain("hunter2").contains("password=(set)");
    assertThat(ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db", "u", null).toString())
        .contains("password=(none)");

    assertThatThrownBy(
            () ->
                ListenTarget.fromJdbcUrl(
                    "jdbc:postgresql://h:notaport/db?password=hunter2", "u", null))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(
            () ->
                ListenTarget.fromJdbcUrl(
                    "jdbc:postgresql://h/db?password=hunter2&sslmode=x", "u", null))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(
            () -> ListenTarget.fromJdbcUrl("jdbc:mysql://h/db?password=hunter2", "u", null))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no user");
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://h:70000/db", "u", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> ListenTarget.fromJdbcUrl("jdbc:postgresql://[::1/db", "u", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static SslMode mode(String query) {
    return ListenTarget.fromJdbcUrl("jdbc:postgresql://h/db?user=u&" + query, null, null).sslMode();
  }
}
