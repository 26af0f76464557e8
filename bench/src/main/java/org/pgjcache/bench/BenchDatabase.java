package org.pgjcache.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.pgjcache.testkit.TestDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the benchmarks run on. The suite resolves it once ({@code
 * PGJCACHE_BENCH_JDBC_URL}, else an embedded server it starts) and hands it to every forked JVM as
 * the system properties {@value #URL_PROPERTY} (and {@value #USER_PROPERTY}, {@value
 * #PASSWORD_PROPERTY}), so all forks share one server and each benchmark gets a fresh, empty
 * database on it.
 *
 * <p>The testkit's own knobs ({@code pgjcache.test.*}, {@code PGJCACHE_TEST_*}) cannot be used for
 * this: pgjcache's settings resolver rejects every unknown {@code pgjcache.*} system property and
 * {@code PGJCACHE_*} environment variable, so a cache manager would not open in a JVM that has
 * them. The testkit's property is therefore set only for the moment the testkit reads it.
 */
public final class BenchDatabase {

  /** Environment variable naming an existing server; its user and password may be in the URL. */
  public static final String URL_ENV = "PGJCACHE_BENCH_JDBC_URL";

  /** Optional user and password for {@link #URL_ENV}. */
  public static final String USER_ENV = "PGJCACHE_BENCH_USER";

  public static final String PASSWORD_ENV = "PGJCACHE_BENCH_PASSWORD";

  /** How the suite tells its forks which server to use. */
  public static final String URL_PROPERTY = "bench.db.url";

  public static final String USER_PROPERTY = "bench.db.user";
  public static final String PASSWORD_PROPERTY = "bench.db.password";

  private static final Logger LOG = LoggerFactory.getLogger(BenchDatabase.class);
  private static final String[][] TESTKIT = {
    {URL_PROPERTY, "pgjcache.test.jdbc-url"},
    {USER_PROPERTY, "pgjcache.test.user"},
    {PASSWORD_PROPERTY, "pgjcache.test.password"}
  };

  private final String jdbcUrl;
  private final String user;
  private final String password;

  private BenchDatabase(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /**
   * The server of this JVM: the one named by {@value #URL_PROPERTY}, else whatever the testkit
   * finds (an embedded server when nothing is configured).
   */
  public static synchronized TestDatabase server() {
    boolean given = System.getProperty(URL_PROPERTY) != null;
    if (given) {
      for (String[] pair : TESTKIT) {
        String value = System.getProperty(pair[0]);
        if (value != null) {
          System.setProperty(pair[1], value);
        }
      }
    }
    try {
      return TestDatabase.get();
    } finally {
      if (given) {
        for (String[] pair : TESTKIT) {
          System.clearProperty(pair[1]);
        }
      }
    }
  }

  /**
   * A fresh, empty database for one benchmark. On a server where the user may not create databases,
   * the server's own database is used (benchmarks then separate their data by cache or table name).
   */
  public static BenchDatabase fresh(String purpose) {
    TestDatabase server = server();
    String url;
    try {
      url = server.createDatabase("bench_" + purpose);
    } catch (IllegalStateException e) {
      LOG.warn(
          "cannot create a database for {} ({}); using {} itself",
          purpose,
          e.getMessage(),
          server.database());
      url = server.jdbcUrl();
    }
    checkpoint(server);
    return new BenchDatabase(url, server.user(), server.password());
  }

  /**
   * Writes out the dirty buffers the previous benchmarks left, so that the checkpointer does not
   * write them while this one measures: every benchmark, pgjcache's and its peers' alike, starts
   * from a clean server, rather than one paying for its predecessor's writes. A server where the
   * user may not run {@code CHECKPOINT} is used as it is.
   */
  private static void checkpoint(TestDatabase server) {
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        java.sql.Statement st = c.createStatement()) {
      st.execute("checkpoint");
    } catch (SQLException e) {
      LOG.warn("cannot run a checkpoint on {} before a benchmark: {}", server, e.getMessage());
    }
  }

  /**
   * Turns the durability settings of an embedded server back to PostgreSQL's defaults. The testkit
   * starts its server with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes}
   * off, which makes tests fast but would make every commit here cheaper than on a real server, and
   * pgjcache's relaxed mode indistinguishable from the default. The settings are reloaded, not
   * restarted; the server and its data directory belong to this run.
   */
  public static void makeDurable(TestDatabase server) {
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        java.sql.Statement st = c.createStatement()) {
      st.execute("alter system set fsync = on");
      st.execute("alter system set synchronous_commit = on");
      st.execute("alter system set full_page_writes = on");
      st.execute("select pg_reload_conf()");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot restore the durability settings of " + server, e);
    }
  }

  /** The settings that decide what a commit costs, as a new connection sees them. */
  public static java.util.Map<String, String> commitSettings(TestDatabase server) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        java.sql.Statement st = c.createStatement()) {
      for (String name :
          new String[] {
            "server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method"
          }) {
        try (java.sql.ResultSet rs = st.executeQuery("show " + name)) {
          rs.next();
          out.put(name, rs.getString(1));
        }
      }
    } catch (SQLException e) {
      LOG.warn("cannot read the settings of {}: {}", server, e.getMessage());
    }
    return out;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** A plain pgjdbc connection (not pooled), for set-up and for the LISTEN baselines. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }
}
