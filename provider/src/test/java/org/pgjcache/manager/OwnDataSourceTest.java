package org.pgjcache.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.EventLog;
import org.pgjcache.support.Nodes;
import org.pgjcache.support.PgjcacheThreads;

/**
 * An application hands pgjcache the pool it already has ({@code pgjcache.data-source}): pgjcache
 * runs on it without a pool of its own, its LISTEN connection goes to the pool's own URL, two such
 * nodes see each other's changes and events, and closing the cache managers leaves the
 * application's pools open and no pgjcache thread behind. Managers share a backend only with the
 * same DataSource instance.
 */
class OwnDataSourceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void nodesRunOnTheApplicationsPoolsAndLeaveThemOpen() throws Exception {
    Set<String> before = PgjcacheThreads.alive();
    try (Nodes nodes = Nodes.freshDatabase("own_ds");
        HikariDataSource appA = applicationPool(nodes, "app-a");
        HikariDataSource appB = applicationPool(nodes, "app-b")) {
      CacheManager a = nodes.node("a", withDataSource(appA));
      CacheManager b = nodes.node("b", withDataSource(appB));
      PgCacheManagerImpl pgA = a.unwrap(PgCacheManagerImpl.class);
      assertThat(pgA.settings().dataSource().orElseThrow()).isSameAs(appA);
      assertThat(pgA.settings().sourceOf("jdbc-url")).isEqualTo("data-source");

      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>().setTypes(String.class, String.class);
      Cache<String, String> onA = a.createCache("c", config);
      Cache<String, String> onB = b.createCache("c", config);
      EventLog<String, String> heardOnB = EventLog.on(onB, System::currentTimeMillis, false);

      onA.put("k", "v");
      onA.putAll(Map.of("x", "1", "y", "2"));
      assertThat(onA.putIfAbsent("k", "other")).isFalse();
      // a batch is fetched by the nodes that hear it: wait for it before changing its keys again
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(onB.get("k")).isEqualTo("v");
                assertThat(onB.get("x")).isEqualTo("1");
                assertThat(onB.get("y")).isEqualTo("2");
                assertThat(heardOnB.count(EventType.CREATED)).isEqualTo(3);
              });
      onA.remove("y");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(onB.containsKey("y")).isFalse();
                assertThat(heardOnB.count(EventType.REMOVED)).isEqualTo(1);
              });
      onB.put("back", "from b");
      await().atMost(WAIT).untilAsserted(() -> assertThat(onA.get("back")).isEqualTo("from b"));

      assertThat(PgjcacheThreads.alive()).noneMatch(name -> name.endsWith("-housekeeper"));
      assertThat(sessions(nodes, "pgjcache-listen %")).isEqualTo(2);
      assertThat(sessions(nodes, "pgjcache %")).as("sessions of a pool of pgjcache's").isZero();

      a.close();
      b.close();
      assertThat(appA.isClosed()).isFalse();
      assertThat(appB.isClosed()).isFalse();
      try (Connection c = appA.getConnection();
          PreparedStatement ps =
              c.prepareStatement("select count(*) from pgjcache_entries where value is not null");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(PgjcacheThreads.alive()).isEqualTo(before);
                assertThat(sessions(nodes, "pgjcache%")).isZero();
              });
    }
  }

  @Test
  void managersShareABackendOnlyOnTheSameDataSource() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("own_ds_shared");
        HikariDataSource one = applicationPool(nodes, "one");
        HikariDataSource other = applicationPool(nodes, "other")) {
      Properties shared = withDataSource(one);
      shared.setProperty("pgjcache.shared-backend", "true");
      Properties sameAgain = withDataSource(one);
      sameAgain.setProperty("pgjcache.shared-backend", "true");
      Properties another = withDataSource(other);
      another.setProperty("pgjcache.shared-backend", "true");
      PgCacheManagerImpl first = nodes.node("first", shared).unwrap(PgCacheManagerImpl.class);
      PgCacheManagerImpl second = nodes.node("second", sameAgain).unwrap(PgCacheManagerImpl.class);
      PgCacheManagerImpl third = nodes.node("third", another).unwrap(PgCacheManagerImpl.class);
      assertThat(second.backend()).isSameAs(first.backend());
      assertThat(third.backend()).isNotSameAs(first.backend());
      nodes.close(); // the managers close before the application's pools, as in an application
    }
  }

  @Test
  void somethingElseThanADataSourceIsRefused() {
    try (Nodes nodes = Nodes.freshDatabase("own_ds_wrong")) {
      Properties p = nodes.properties();
      p.put("pgjcache.data-source", nodes.jdbcUrl());
      assertThatThrownBy(() -> nodes.node("wrong", p))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("pgjcache.data-source")
          .hasMessageContaining("javax.sql.DataSource");
    }
  }

  /** The application's own pool, as a Spring Boot or plain application would build it. */
  private static HikariDataSource applicationPool(Nodes nodes, String name) {
    HikariDataSource pool = new HikariDataSource();
    pool.setPoolName(name);
    pool.setJdbcUrl(nodes.jdbcUrl());
    pool.setUsername(nodes.user());
    pool.setPassword(nodes.password());
    pool.setMaximumPoolSize(4);
    return pool;
  }

  /** A node's settings with the pool instead of a URL. */
  private static Properties withDataSource(HikariDataSource pool) {
    Properties p = new Properties();
    p.put("pgjcache.data-source", pool);
    p.setProperty("pgjcache.shared-backend", "false");
    p.setProperty("pgjcache.heartbeat-interval", "1s");
    return p;
  }

  /** Sessions of the test database whose application_name is like the pattern. */
  private static int sessions(Nodes nodes, String pattern) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from pg_stat_activity"
                    + " where datname = current_database() and application_name like ?")) {
      ps.setString(1, pattern);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
