package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Password authentication. The hash computations are checked against the verifiers PostgreSQL itself
 * stores in {@code pg_authid}, which works even where {@code pg_hba.conf} says {@code trust}; the
 * logins themselves are exercised only where the server actually asks for a password (they are
 * skipped, saying so, where it does not).
 */
class ListenAuthTest {

    private static final Logger log = LoggerFactory.getLogger(ListenAuthTest.class);

    private static final String MD5_ROLE = "pgjcache_listen_md5";
    private static final String MD5_PASSWORD = "md5-Secret-1";
    private static final String SCRAM_ROLE = "pgjcache_listen_scram";
    private static final String SCRAM_PASSWORD = "scram,Secret=2 \"quoted\"";
    private static final String SCRAM_UNICODE_ROLE = "pgjcache_listen_scram_u";
    /** Non-ASCII, with a decomposed é, a no-break space and fullwidth letters: SASLprep changes it. */
    private static final String SCRAM_UNICODE_PASSWORD = "Pa\u0301sswörd\u00A0ｆｕｌｌ";
    private static final String CLEAR_ROLE = "pgjcache_listen_clear";
    private static final String CLEAR_PASSWORD = "clear Secret 3";
    private static final List<String> ROLES = List.of(MD5_ROLE, SCRAM_ROLE, SCRAM_UNICODE_ROLE, CLEAR_ROLE);

    private static boolean superuser;

    @BeforeAll
    static void createRoles() throws SQLException {
        try (Connection c = TestDb.jdbc(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
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
            try (Connection c = TestDb.jdbc(); Statement st = c.createStatement()) {
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
        login(MD5_ROLE, MD5_PASSWORD);
    }

    @Test
    void scramLogin() throws IOException {
        login(SCRAM_ROLE, SCRAM_PASSWORD);
    }

    @Test
    void scramLoginWithUnicodePassword() throws IOException {
        login(SCRAM_UNICODE_ROLE, SCRAM_UNICODE_PASSWORD);
    }

    @Test
    void cleartextLogin() throws IOException {
        login(CLEAR_ROLE, CLEAR_PASSWORD);
    }

    @Test
    void missingPasswordIsReportedWhenTheServerAsks() throws IOException {
        ListenTarget noPassword = as(MD5_ROLE, null);
        try {
            ListenConnection.open(noPassword, Duration.ofSeconds(10), new RecordingHandler()).close();
            Assumptions.abort("the server let " + MD5_ROLE + " in without a password (pg_hba.conf trust?)");
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("asks for a password").hasMessageContaining(MD5_ROLE);
        }
    }

    private static void login(String role, String password) throws IOException {
        Assumptions.assumeTrue(superuser, "the test user cannot create roles");
        String wrong = "wrong-" + password + "-xyzzy";
        try {
            ListenConnection sneaked = ListenConnection.open(as(role, wrong), Duration.ofSeconds(10), new RecordingHandler());
            String method = sneaked.authMethod();
            sneaked.close();
            Assumptions.abort("the server let " + role + " in with a wrong password (auth method " + method
                    + "); pg_hba.conf does not ask for passwords here, so " + role + " logins cannot be tested");
        } catch (ServerErrorException e) {
            assertThat(e.sqlState()).isEqualTo("28P01");
            assertThat(e).hasMessageContaining(role).hasMessageNotContaining("xyzzy");
        }

        RecordingHandler handler = new RecordingHandler();
        try (ListenConnection conn = ListenConnection.open(as(role, password), Duration.ofSeconds(10), handler)) {
            log.info("{} logged in with auth method {} (tls {})", role, conn.authMethod(), conn.isTls());
            assertThat(conn.authMethod()).isNotEqualTo("trust");
            assertThat(conn.probe(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(handler.closeCause.get()).isNull();
    }

    private static ListenTarget as(String role, String password) {
        ListenTarget t = TestDb.target();
        return new ListenTarget(t.host(), t.port(), t.database(), role, password, t.sslMode(), "pgjcache-listen-auth-test");
    }

    private static void assertScramVerifier(String role, String password) throws SQLException {
        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
        String verifier = storedVerifier(role);
        assertThat(verifier).startsWith("SCRAM-SHA-256$");
        String[] parts = verifier.substring("SCRAM-SHA-256$".length()).split("[$:]");
        int iterations = Integer.parseInt(parts[0]);
        byte[] salt = Base64.getDecoder().decode(parts[1]);
        byte[] salted = ScramSha256Client.saltedPassword(ScramSha256Client.saslPrep(password), salt, iterations);
        assertThat(Base64.getEncoder().encodeToString(ScramSha256Client.storedKey(salted))).isEqualTo(parts[2]);
        assertThat(Base64.getEncoder().encodeToString(ScramSha256Client.serverKey(salted))).isEqualTo(parts[3]);
    }

    private static String storedVerifier(String role) throws SQLException {
        Assumptions.assumeTrue(superuser, "reading pg_authid needs a superuser");
        try (Connection c = TestDb.jdbc();
             PreparedStatement ps = c.prepareStatement("select rolpassword from pg_authid where rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void createRole(Statement st, String encryption, String role, String password) throws SQLException {
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
