package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder;
import org.pgjcache.sync.Recorder.Event;
import org.pgjcache.testkit.TestDatabase;

/**
 * Whole cache managers, pool and LISTEN connection, as a role that must log in with SCRAM-SHA-256
 * (on the testkit's embedded server its pg_hba.conf demands it of roles named with {@link
 * TestDatabase#SCRAM_ROLE_PREFIX}): a put on one node reaches a listener on another.
 */
class PasswordNodesTest {

  private static final String ROLE = TestDatabase.SCRAM_ROLE_PREFIX + "node";
  private static final String PASSWORD = "node,Secret=9 \"scram\"";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TestDatabase db;
  private String baseUrl;
  private String database;

  @BeforeEach
  void createRoleAndTables() throws SQLException {
    db = TestDatabase.get();
    String url = db.createDatabase("password_nodes");
    baseUrl = url.substring(0, url.indexOf('?'));
    database = baseUrl.substring(baseUrl.lastIndexOf('/') + 1);
    try (Connection c = superuser();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
        boolean superuser = rs.next() && rs.getBoolean(1);
        if (db.demandsPasswords()) {
          assertThat(superuser).as("the testkit's own server lets its user create roles").isTrue();
        }
        Assumptions.assumeTrue(superuser, "the test user cannot create roles");
      }
      st.execute("drop role if exists " + ROLE);
      st.execute("set password_encryption = 'scram-sha-256'");
      st.execute("create role " + ROLE + " login password '" + PASSWORD.replace("'", "''") + "'");
    }
    // The tables, made by a node of the superuser's; the role may only read and write them.
    try (Nodes admin = new Nodes(baseUrl, db.user(), db.password())) {
      admin.node("ddl").createCache("c", config());
    }
    try (Connection c = superuser();
        Statement st = c.createStatement()) {
      st.execute("grant select, insert, update, delete on all tables in schema public to " + ROLE);
      st.execute("grant usage, select, update on all sequences in schema public to " + ROLE);
    }
  }

  @AfterEach
  void dropRole() throws SQLException {
    if (database == null) {
      return;
    }
    try (Connection c = superuser();
        Statement st = c.createStatement()) {
      st.execute("drop owned by " + ROLE);
      st.execute("drop role " + ROLE);
    }
  }

  @Test
  void aPutOnOneNodeIsHeardByAListenerOnAnotherWhenBothLogInWithScram() throws SQLException {
    requirePasswordLogins();
    try (Nodes nodes = new Nodes(baseUrl, ROLE, PASSWORD)) {
      CacheManager a = nodes.node("a", properties(nodes));
      CacheManager b = nodes.node("b", properties(nodes));
      Cache<String, String> onA = a.createCache("c", config());
      Recorder heard = new Recorder();
      Cache<String, String> onB =
          b.createCache("c", config().addCacheEntryListenerConfiguration(heard.configuration()));

      assertThat(roleOf(ListenKiller.backend(a).listenerPid())).isEqualTo(ROLE);
      assertThat(roleOf(ListenKiller.backend(b).listenerPid())).isEqualTo(ROLE);

      onA.put("k", "v");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(heard.events())
                      .containsExactly(new Event(EventType.CREATED, "k", "v", null)));
      assertThat(onB.get("k")).isEqualTo("v");
    }
  }

  @Test
  void aNodeWithAWrongPasswordIsRefusedWithoutShowingIt() {
    requirePasswordLogins();
    String wrong = "Wrong-node-pw-xyzzy";
    try (Nodes nodes = new Nodes(baseUrl, ROLE, wrong)) {
      Properties p = properties(nodes);
      p.setProperty(
          "pgjcache.connect-timeout", "1s"); // the pool retries a refused login until then
      assertThatThrownBy(() -> nodes.node("wrong", p))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("password authentication failed")
          .satisfies(
              e -> {
                for (Throwable t = e; t != null; t = t.getCause()) {
                  assertThat(String.valueOf(t.getMessage()) + t)
                      .doesNotContain("xyzzy")
                      .doesNotContain(PASSWORD);
                }
              });
    }
  }

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private static Properties properties(Nodes nodes) {
    Properties p = nodes.properties();
    p.setProperty("pgjcache.ddl", "false");
    return p;
  }

  /**
   * On the testkit's own server the role must authenticate; elsewhere find out with a wrong
   * password, and skip if the server lets the role in anyway.
   */
  private void requirePasswordLogins() {
    try (Connection c = DriverManager.getConnection(baseUrl, ROLE, "Wrong-probe-pw")) {
      String message =
          "the " + db.kind() + " test server let " + ROLE + " in with a wrong password";
      if (db.demandsPasswords()) {
        throw new AssertionError(message + ", but its pg_hba.conf demands SCRAM of that role");
      }
      Assumptions.abort(
          message
              + "; its pg_hba.conf does not ask this role for a password,"
              + " so password logins cannot be tested here");
    } catch (SQLException e) {
      assertThat(e.getSQLState())
          .as("refused for the wrong password: " + e.getMessage())
          .isEqualTo("28P01");
    }
  }

  private String roleOf(int pid) throws SQLException {
    assertThat(pid).as("the node's LISTEN connection").isPositive();
    try (Connection c = superuser();
        PreparedStatement ps =
            c.prepareStatement(
                "select usename from pg_stat_activity where pid = ? and datname = ?")) {
      ps.setInt(1, pid);
      ps.setString(2, database);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("pid " + pid + " in pg_stat_activity").isTrue();
        return rs.getString(1);
      }
    }
  }

  private Connection superuser() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", db.user());
    if (!db.password().isEmpty()) {
      p.setProperty("password", db.password());
    }
    return DriverManager.getConnection(baseUrl, p);
  }
}
