package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Write;
import org.pgjcache.config.SettingsResolver;
import org.pgjcache.support.Nodes;

/**
 * The pool's connections carry no session state of pgjcache's, so that they can be shared through a
 * pooler in transaction mode: on the one pooled connection, after every kind of write, the session
 * still has the database's {@code statement_timeout} and {@code synchronous_commit}; yet each
 * statement is still cancelled at statement-timeout, and with {@code durability=relaxed} each
 * writing transaction commits with {@code synchronous_commit = off}.
 */
class SessionStateTest {

  private static final String CACHE = "c";
  private static final String ORIGIN = "test";

  @Test
  void writesLeaveTheSessionAsTheyFoundItAndStillHaveTheirTimeoutAndDurability() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("session")) {
      // the test server commits without waiting by default: give this database a default to tell
      // apart
      try (Connection admin =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          Statement st = admin.createStatement()) {
        st.execute("alter database " + admin.getCatalog() + " set synchronous_commit = local");
        st.execute("alter database " + admin.getCatalog() + " set statement_timeout = '1h'");
      }
      Properties p = nodes.properties();
      p.setProperty("pgjcache.pool-size", "1");
      p.setProperty("pgjcache.durability", "relaxed");
      p.setProperty("pgjcache.statement-timeout", "1s");
      try (PostgresBackend backend =
          PostgresBackend.open(
              SettingsResolver.resolve(
                  URI.create("pgjcache:session-" + UUID.randomUUID()),
                  getClass().getClassLoader(),
                  p))) {
        Jdbc jdbc = backend.jdbc();
        assertThat(show(jdbc, "synchronous_commit")).isEqualTo("local");
        assertThat(show(jdbc, "statement_timeout")).isEqualTo("1h");

        backend.store().put(CACHE, new Write("a", "1".getBytes(), Row.ETERNAL), ORIGIN);
        backend
            .store()
            .putAll(
                CACHE,
                List.of(
                    new Write("b", "2".getBytes(), Row.ETERNAL),
                    new Write("c", "3".getBytes(), Row.ETERNAL)),
                ORIGIN);
        backend.store().remove(CACHE, "b", ORIGIN);
        backend
            .store()
            .mutate(CACHE, "c", ORIGIN, current -> new Mutation.Put("4".getBytes(), Row.ETERNAL));
        backend.store().touch(CACHE, "c", 1, Row.ETERNAL, ORIGIN);
        backend.store().removeAll(CACHE, List.of("a"), ORIGIN);
        backend.store().clear(CACHE, ORIGIN);
        backend.coordination().expireDue(10);

        assertThat(show(jdbc, "synchronous_commit")).isEqualTo("local");
        assertThat(show(jdbc, "statement_timeout")).isEqualTo("1h");
        Jdbc.Work<String> commitSetting =
            c -> value(c.createStatement(), "show synchronous_commit");
        String inTransaction = jdbc.transaction("reading a setting", null, commitSetting);
        assertThat(inTransaction).isEqualTo("off");
        String inWrite = jdbc.write("reading a setting", null, commitSetting);
        assertThat(inWrite).isEqualTo("off");
        String inRun = jdbc.run("reading a setting", null, commitSetting);
        assertThat(inRun).isEqualTo("off");
        String timeout =
            jdbc.run(
                "reading a setting",
                null,
                c -> value(c.createStatement(), "show statement_timeout"));
        assertThat(timeout).isEqualTo("1s");

        assertThatThrownBy(
                () ->
                    jdbc.run(
                        "sleeping",
                        null,
                        c -> value(c.createStatement(), "select pg_sleep(30)::text")))
            .isInstanceOf(CacheException.class)
            .hasRootCauseInstanceOf(SQLException.class)
            .rootCause()
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("57014");
      }
    }
  }

  /** The session's own value of a setting, read outside pgjcache's calls. */
  private static String show(Jdbc jdbc, String setting) throws SQLException {
    try (Connection c = jdbc.borrow(5_000);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("show " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String value(Statement st, String sql) throws SQLException {
    try (st;
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
