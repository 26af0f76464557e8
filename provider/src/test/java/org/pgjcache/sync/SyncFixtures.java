package org.pgjcache.sync;

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
import org.pgjcache.NodeSync;
import org.pgjcache.backend.postgres.PostgresBackend;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.pgjcache.support.Nodes;

/** Small helpers of the sync tests: node settings, a node's backend and sync view, plain SQL. */
final class SyncFixtures {

  private SyncFixtures() {}

  /** Settings of a node named {@code name} with a fast heartbeat and quick reconnects. */
  static Properties fast(Nodes nodes, String name) {
    return nodes.fast(name);
  }

  static PgCacheManagerImpl pg(CacheManager manager) {
    return manager.unwrap(PgCacheManagerImpl.class);
  }

  /** A cache of strings to strings, the shape most sync tests need. */
  static javax.cache.configuration.MutableConfiguration<String, String> strings() {
    return new javax.cache.configuration.MutableConfiguration<String, String>()
        .setTypes(String.class, String.class);
  }

  /** The node's heartbeat, with the counters tests read. */
  static SyncAgent agent(CacheManager manager) {
    return (SyncAgent) sync(manager);
  }

  static NodeSync sync(CacheManager manager) {
    return pg(manager).sync();
  }

  static PostgresBackend backend(CacheManager manager) {
    return (PostgresBackend) pg(manager).backend();
  }

  static Connection connect(Nodes nodes) throws SQLException {
    return DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
  }

  static int update(Nodes nodes, String sql, Object... args) throws SQLException {
    try (Connection c = connect(nodes);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  static void execute(Nodes nodes, String sql) throws SQLException {
    try (Connection c = connect(nodes);
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Rows of a query, each as a list of column values. */
  static List<List<Object>> query(Nodes nodes, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = connect(nodes);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The revision of the row of string key {@code key} in cache {@code c}. */
  static long rev(Nodes nodes, String key) throws SQLException {
    return ((Number)
            query(
                    nodes,
                    "select rev from pgjcache_entries where cache = 'c' and key = 's:" + key + "'")
                .get(0)
                .get(0))
        .longValue();
  }
}
