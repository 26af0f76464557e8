package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Write;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The reaper's statements on a real PostgreSQL: one node at a time, expired rows become tombstones
 * that keep their expiry instant, one notification per cache and batch, and old tombstones are
 * purged.
 */
class ReaperSqlTest {

  private static final byte[] VALUE = "s:x".getBytes(StandardCharsets.UTF_8);

  private static Connection connect(Nodes nodes) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", nodes.user());
    if (nodes.password() != null && !nodes.password().isEmpty()) {
      p.setProperty("password", nodes.password());
    }
    return DriverManager.getConnection(nodes.jdbcUrl(), p);
  }

  /** A node whose own reaper never runs during the test. */
  private static PostgresBackend quietNode(Nodes nodes) {
    Properties p = nodes.properties();
    p.setProperty("pgjcache.expiry-interval", "1h");
    p.setProperty("pgjcache.pool-size", "2");
    CacheManager node = nodes.node("reaper", p);
    return ListenKiller.backend(node);
  }

  private static void store(
      PostgresBackend backend, String cache, String prefix, int count, long expireAt) {
    for (int i = 0; i < count; i++) {
      backend.store().put(cache, new Write(prefix + i, VALUE, expireAt), "test");
    }
  }

  private static long count(Connection c, String where) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from pgjcache_entries where " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void onlyOneNodeReapsAtATime() throws SQLException {
    try (Nodes nodes = Nodes.freshDatabase("reaper-role");
        Connection other = connect(nodes)) {
      PostgresBackend backend = quietNode(nodes);
      store(backend, "c", "s:old", 3, backend.store().now() - 1000);
      String lock = backend.sql().reaperLockName();
      try (PreparedStatement ps = other.prepareStatement("select pg_advisory_lock(hashtext(?))")) {
        ps.setString(1, lock);
        ps.executeQuery().close();
      }
      assertThat(backend.coordination().expireDue(100))
          .as("while another session reaps")
          .isEqualTo(-1);
      assertThat(backend.coordination().purgeTombstones(0, 100))
          .as("while another session reaps")
          .isEqualTo(-1);
      assertThat(count(other, "value is not null")).isEqualTo(3);
      try (PreparedStatement ps =
          other.prepareStatement("select pg_advisory_unlock(hashtext(?))")) {
        ps.setString(1, lock);
        ps.executeQuery().close();
      }
      assertThat(backend.coordination().expireDue(100)).isEqualTo(3);
    }
  }

  @Test
  void expiredRowsBecomeTombstonesAnnouncedOncePerCacheAndBatch() throws SQLException {
    try (Nodes nodes = Nodes.freshDatabase("reaper-sql");
        Connection listener = connect(nodes)) {
      PostgresBackend backend = quietNode(nodes);
      long past = backend.store().now() - 1000;
      store(backend, "one", "s:e", 50, past);
      store(backend, "two", "s:e", 5, past);
      store(backend, "one", "s:live", 5, backend.store().now() + 3_600_000);
      store(backend, "one", "s:eternal", 2, Row.ETERNAL);
      try (Statement st = listener.createStatement()) {
        st.execute("listen pgjcache_changes");
      }

      assertThat(backend.coordination().expireDue(30)).isEqualTo(30);
      assertThat(backend.coordination().expireDue(1000)).isEqualTo(25);
      assertThat(backend.coordination().expireDue(1000)).isZero();
      backend.store().put("one", new Write("s:marker", VALUE, Row.ETERNAL), "test");

      List<String> batches = new ArrayList<>();
      PGConnection pg = listener.unwrap(PGConnection.class);
      boolean marker = false;
      long deadline = System.currentTimeMillis() + 10_000;
      while (!marker && System.currentTimeMillis() < deadline) {
        PGNotification[] got = pg.getNotifications(1000);
        for (PGNotification n : got == null ? new PGNotification[0] : got) {
          if (n.getParameter().startsWith("B|")) {
            batches.add(n.getParameter());
          } else if (n.getParameter().startsWith("P|")
              && n.getParameter().contains("|ones:marker")) {
            marker = true;
          }
        }
      }
      assertThat(marker).as("the marker's notification arrived").isTrue();
      // first batch: 30 of cache "one" (the 50 and 5 expired at the same instant; order within is
      // by expiry), second: the rest, in at most one notification per cache each
      assertThat(batches).allMatch(p -> p.startsWith("B|X|")).hasSizeBetween(2, 4);
      assertThat(batches.stream().filter(p -> p.contains("|3|one|")).count()).isBetween(1L, 2L);
      assertThat(batches.stream().filter(p -> p.contains("|3|two|")).count()).isBetween(1L, 2L);

      assertThat(count(listener, "value is null and expires_at is not null"))
          .as("tombstones that keep their expiry instant")
          .isEqualTo(55);
      assertThat(count(listener, "value is not null")).as("live and eternal rows").isEqualTo(8);
      List<Change> range = backend.revisions("one", 0, Long.MAX_VALUE);
      assertThat(range)
          .filteredOn(c -> c.value() == null)
          .hasSize(50)
          .allMatch(c -> c.op() == Op.EXPIRE, "an expiry, told by the kept expiry instant")
          .allMatch(
              c -> c.prior().value() != null && Math.abs(c.prior().expireAt() - past) <= 1,
              "with the value that expired");

      assertThat(backend.coordination().purgeTombstones(60_000, 1000))
          .as("tombstones still young")
          .isZero();
      assertThat(backend.coordination().purgeTombstones(0, 40)).isEqualTo(40);
      assertThat(backend.coordination().purgeTombstones(0, 1000)).isEqualTo(15);
      assertThat(count(listener, "value is null")).isZero();
      assertThat(count(listener, "value is not null")).isEqualTo(8);
    }
  }
}
