package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.testkit.TestDatabase;

/**
 * The pool and the LISTEN connection log in as the same role, taken from the same settings with the
 * same precedence (explicit {@code pgjcache.user} > the URL's {@code user=} > defaults), and say in
 * {@code pg_stat_activity} that they are pgjcache and which node they belong to.
 */
class ConnectionIdentityTest {

  private static final String PASSWORD = "identity-Secret-7";

  private TestDatabase db;
  private String database;
  private String role;
  private String baseUrl;
  private final List<CacheManager> managers = new ArrayList<>();

  @BeforeEach
  void createRoleAndDatabase() throws SQLException {
    db = TestDatabase.get();
    String url = db.createDatabase("identity");
    baseUrl = url.substring(0, url.indexOf('?'));
    database = baseUrl.substring(baseUrl.lastIndexOf('/') + 1);
    role =
        "pgjcache_ident_"
            + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                .toLowerCase(Locale.ROOT);
    try (Connection c = superuser();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
        Assumptions.assumeTrue(
            rs.next() && rs.getBoolean(1),
            "the test user cannot create roles, so the login role cannot be checked");
      }
      st.execute("create role " + role + " login password '" + PASSWORD + "'");
      st.execute("grant create on database " + database + " to " + role);
      st.execute("grant create on schema public to " + role);
    }
  }

  @AfterEach
  void dropRole() throws SQLException {
    managers.forEach(CacheManager::close);
    if (role == null) {
      return;
    }
    try (Connection c = superuser();
        Statement st = c.createStatement()) {
      st.execute("drop owned by " + role);
      st.execute("drop role " + role);
    }
  }

  @Test
  void theUrlsUserIsWhomBothConnectionsLogInAs() throws SQLException {
    Properties p = properties();
    p.setProperty("pgjcache.jdbc-url", baseUrl + "?user=" + role + "&password=" + PASSWORD);
    p.setProperty("pgjcache.node-name", "ident-url");
    CacheManager node = open(p);

    assertLoggedInAs(node, "ident-url", role, "pgjcache ident-url");
  }

  @Test
  void thePgjcacheUserSettingWinsOverTheUrlsUserForBothConnections() throws SQLException {
    Properties p = properties();
    // The URL names the testkit's superuser; the explicit setting names the role.
    p.setProperty(
        "pgjcache.jdbc-url",
        baseUrl
            + "?user="
            + encode(db.user())
            + (db.password().isEmpty() ? "" : "&password=" + encode(db.password())));
    p.setProperty("pgjcache.user", role);
    p.setProperty("pgjcache.password", PASSWORD);
    p.setProperty("pgjcache.node-name", "ident-setting");
    CacheManager node = open(p);

    assertLoggedInAs(node, "ident-setting", role, "pgjcache ident-setting");
  }

  @Test
  void anApplicationNameInTheUrlIsThePoolsButNotTheListenConnections() throws SQLException {
    Properties p = properties();
    p.setProperty("pgjcache.jdbc-url", baseUrl + "?ApplicationName=shop&user=" + role);
    p.setProperty("pgjcache.password", PASSWORD);
    p.setProperty("pgjcache.node-name", "ident-app");
    CacheManager node = open(p);

    assertLoggedInAs(node, "ident-app", role, "shop");
  }

  private static Properties properties() {
    Properties p = new Properties();
    p.setProperty("pgjcache.shared-backend", "false");
    p.setProperty("pgjcache.connect-timeout", "5s");
    return p;
  }

  private CacheManager open(Properties p) {
    // Opened by hand rather than through Nodes, which always sets pgjcache.user.
    CacheManager manager =
        Caching.getCachingProvider()
            .getCacheManager(
                URI.create("pgjcache:identity-" + role + "-" + managers.size()),
                getClass().getClassLoader(),
                p);
    managers.add(manager);
    return manager;
  }

  /** What pg_stat_activity says about the node's connections to the test's database. */
  private void assertLoggedInAs(
      CacheManager node, String nodeName, String expectedRole, String poolApplicationName)
      throws SQLException {
    int listenPid = ListenKiller.backend(node).listenerPid();
    assertThat(listenPid).as("the node's LISTEN connection").isPositive();
    List<String> listen = new ArrayList<>();
    List<String> pool = new ArrayList<>();
    try (Connection c = superuser();
        PreparedStatement ps =
            c.prepareStatement(
                "select pid, usename, application_name from pg_stat_activity where datname = ?"
                    + " and pid <> pg_backend_pid() order by pid")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String row = rs.getString(2) + " " + rs.getString(3);
          if (rs.getInt(1) == listenPid) {
            listen.add(row);
          } else {
            pool.add(row);
          }
        }
      }
    }
    assertThat(listen)
        .as("the LISTEN connection (pid " + listenPid + ")")
        .containsExactly(expectedRole + " pgjcache-listen " + nodeName);
    assertThat(pool)
        .as("the pool's connections")
        .isNotEmpty()
        .allMatch(row -> row.equals(expectedRole + " " + poolApplicationName));
  }

  private Connection superuser() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", db.user());
    if (!db.password().isEmpty()) {
      p.setProperty("password", db.password());
    }
    return DriverManager.getConnection(baseUrl == null ? db.jdbcUrl() : baseUrl, p);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
