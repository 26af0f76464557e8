package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgjcache.testkit.TestDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Password authentication. The hash computations are checked against the verifiers PostgreSQL
 * itself stores in {@code pg_authid}, which works even where {@code pg_hba.conf} says {@code
 * trust}. The logins are real on the testkit's embedded server, whose {@code pg_hba.conf} makes the
 * roles named with {@link TestDatabase#SCRAM_ROLE_PREFIX} etc. authenticate (a login it lets in
 * with a wrong password fails the test there); on a server of one's own ({@code
 * PGJCACHE_TEST_JDBC_URL}) they are skipped, saying why, if that server lets them in with a wrong
 * password.
 */
class ListenAuthTest {

  private static final Logger LOG = LoggerFactory.getLogger(ListenAuthTest.class);

  private static final String MD5_ROLE = TestDatabase.MD5_ROLE_PREFIX + "listen";
  private static final String MD5_PASSWORD = "md5-Secret-1";
  private static final String SCRAM_ROLE = TestDatabase.SCRAM_ROLE_PREFIX + "listen";
  private static final String SCRAM_PASSWORD = "scram,Secret=2 \"quoted\"";
  private static final String SCRAM_UNICODE_ROLE = TestDatabase.SCRAM_ROLE_PREFIX + "listen_u";

  /**
   * Non-ASCII, with a decomposed é, a no-break space and fullwidth letters: SASLprep changes it.
   */
  private static final String SCRAM_UNICODE_PASSWORD = "Pa\u0301sswörd\u00A0ｆｕｌｌ";

  private static final String CLEAR_ROLE = TestDatabase.PASSWORD_ROLE_PREFIX + "listen";
  private static final String CLEAR_PASSWORD = "clear Secret 3";
  private static final List<String> ROLES =
      List.of(MD5_ROLE, SCRAM_ROLE, SCRAM_UNICODE_ROLE, CLEAR_ROLE);

  private static boolean superuser;

  @BeforeAll
  static void createRoles() throws SQLException {
    try (Connection c = TestDb.jdbc();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
        superuser = rs.next() && rs.getBoolean(1);
      }
      if (!superuser) {
        return;
      }
      dropRoles(st);
      createRole(st, "md5", MD5_ROLE, MD5_PASSWORD);
      createRole(st, "scram-sha-256", SCRAM_ROLE, SCRAM_PASSWORD);
      createRole(st, "scram-sha-256", SCRAM_UNICODE_ROLE, SCRAM_UNICODE_PASSWORD);
      createRole(st, "scram-sha-256", CLEAR_ROLE, CLEAR_PASSWORD);
    }
  }

  @AfterAll
  static void dropRoles() throws SQLException {
    if (superuser) {
      try (Connection c = TestDb.jdbc();
          Statement st = c.createStatement()) {
        dropRoles(st);
      }
    }
  }

  @Test
  void md5HashMatchesWhatTheServerStored() throws SQLException {
    assertThat(storedVerifier(MD5_ROLE)).isEqualTo(Md5Password.storedHash(MD5_ROLE, MD5_PASSWORD));
  }

  @Test
  void scramKeysMatchWhatTheServerStored() throws SQLException {
    assertScramVerifier(SCRAM_ROLE, SCRAM_PASSWORD);
  }

  @Test
  void scramSaslPrepMatchesTheServer() throws SQLException {
    assertScramVerifier(SCRAM_UNICODE_ROLE, SCRAM_UNICODE_PASSWORD);
  }

  @Test
  void md5Login() throws IOException {
    login(MD5_ROLE, MD5_PASSWORD, "md5");
  }

  @Test
  void scramLogin() throws IOException {
    login(SCRAM_ROLE, SCRAM_PASSWORD, ScramSha256Client.MECHANISM);
  }

  @Test
  void scramLoginWithUnicodePassword() throws IOException {
    login(SCRAM_UNICODE_ROLE, SCRAM_UNICODE_PASSWORD, ScramSha256Client.MECHANISM);
  }

  @Test
  void cleartextLogin() throws IOException {
    login(CLEAR_ROLE, CLEAR_PASSWORD, "password");
  }

  @ParameterizedTest
  @ValueSource(strings = {MD5_ROLE, SCRAM_ROLE, CLEAR_ROLE})
  void missingPasswordIsReportedWhenTheServerAsks(String role) throws IOException {
    requireRoles();
    ListenTarget noPassword = as(role, null);
    try {
      ListenConnection.open(noPassword, Duration.ofSeconds(10), new RecordingHandler()).close();
      letInAnyway(role, "without a password");
    } catch (IOException e) {
      assertThat(e)
          .hasMessageContaining("asks for a password")
          .hasMessageContaining(role)
          .isNotInstanceOf(ServerErrorException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {MD5_ROLE, SCRAM_ROLE, CLEAR_ROLE})
  void aWrongPasswordIsRefusedClearlyWithoutShowingAnyPassword(String role) throws IOException {
    requireRoles();
    String wrong = "Wrong-pw-xyzzy-" + role;
    try {
      ListenConnection.open(as(role, wrong), Duration.ofSeconds(10), new RecordingHandler())
          .close();
      letInAnyway(role, "with a wrong password");
    } catch (ServerErrorException e) {
      LOG.info("a wrong password for {} is refused with: {}", role, e.getMessage());
      assertThat(e.sqlState()).isEqualTo("28P01");
      assertThat(e)
          .hasMessageContaining("could not open LISTEN connection")
          .hasMessageContaining("as user " + role)
          .hasMessageContaining("password authentication failed");
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage()) + t)
            .doesNotContain("xyzzy")
            .doesNotContain(MD5_PASSWORD)
            .doesNotContain(SCRAM_PASSWORD)
            .doesNotContain(CLEAR_PASSWORD);
      }
    }
  }

  private static void login(String role, String password, String expectedMethod)
      throws IOException {
    requireRoles();
    String wrong = "wrong-" + password + "-xyzzy";
    try {
      ListenConnection sneaked =
          ListenConnection.open(as(role, wrong), Duration.ofSeconds(10), new RecordingHandler());
      String method = sneaked.authMethod();
      sneaked.close();
      letInAnyway(role, "with a wrong password (auth method " + method + ")");
    } catch (ServerErrorException e) {
      assertThat(e.sqlState()).isEqualTo("28P01");
      assertThat(e).hasMessageContaining(role).hasMessageNotContaining("xyzzy");
    }

    RecordingHandler handler = new RecordingHandler();
    try (ListenConnection conn =
        ListenConnection.open(as(role, password), Duration.ofSeconds(10), handler)) {
      LOG.info("{} logged in with auth method {} (tls {})", role, conn.authMethod(), conn.isTls());
      assertThat(conn.authMethod()).isNotEqualTo("trust");
      if (TestDatabase.get().demandsPasswords()) {
        assertThat(conn.authMethod()).isEqualTo(expectedMethod);
      }
      assertThat(conn.probe(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(handler.closeCause.get()).isNull();
  }

  private static void requireRoles() {
    if (TestDatabase.get().demandsPasswords()) {
      assertThat(superuser).as("the testkit's own server lets its user create roles").isTrue();
    }
    Assumptions.assumeTrue(
        superuser, "the test user cannot create roles, so password logins cannot be tested");
  }

  /**
   * The server let {@code role} in {@code how}: a failure on the testkit's own server, whose
   * pg_hba.conf demands passwords of these roles; elsewhere the logins cannot be tested, which the
   * skip says.
   */
  private static void letInAnyway(String role, String how) {
    TestDatabase db = TestDatabase.get();
    if (db.demandsPasswords()) {
      throw new AssertionError(
          "the "
              + db.kind()
              + " test server let "
              + role
              + " in "
              + how
              + ", but its pg_hba.conf demands a password of that role");
    }
    Assumptions.abort(
        "the "
            + db.kind()
            + " test server let "
            + role
            + " in "
            + how
            + "; its pg_hba.conf does not ask this role for a password, so password logins cannot be tested here");
  }

  private static ListenTarget as(String role, String password) {
    ListenTarget t = TestDb.target();
    return new ListenTarget(
        t.host(), t.port(), t.database(), role, password, t.sslMode(), "pgjcache-listen-auth-test");
  }

  private static void assertScramVerifier(String role, String password) throws SQLException {
    // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
    String verifier = storedVerifier(role);
    assertThat(verifier).startsWith("SCRAM-SHA-256$");
    String[] parts = verifier.substring("SCRAM-SHA-256$".length()).split("[$:]");
    int iterations = Integer.parseInt(parts[0]);
    byte[] salt = Base64.getDecoder().decode(parts[1]);
    byte[] salted =
        ScramSha256Client.saltedPassword(ScramSha256Client.saslPrep(password), salt, iterations);
    assertThat(Base64.getEncoder().encodeToString(ScramSha256Client.storedKey(salted)))
        .isEqualTo(parts[2]);
    assertThat(Base64.getEncoder().encodeToString(ScramSha256Client.serverKey(salted)))
        .isEqualTo(parts[3]);
  }

  private static String storedVerifier(String role) throws SQLException {
    Assumptions.assumeTrue(superuser, "reading pg_authid needs a superuser");
    try (Connection c = TestDb.jdbc();
        PreparedStatement ps =
            c.prepareStatement("select rolpassword from pg_authid where rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private static void createRole(Statement st, String encryption, String role, String password)
      throws SQLException {
    st.execute("set password_encryption = '" + encryption + "'");
    st.execute("create role " + role + " login password '" + password.replace("'", "''") + "'");
    st.execute("reset password_encryption");
  }

  private static void dropRoles(Statement st) throws SQLException {
    for (String role : ROLES) {
      st.execute("drop role if exists " + role);
    }
  }
}
