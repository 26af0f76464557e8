package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;

/**
 * With DDL switched off pgjcache needs the tables to exist, and says so clearly when they don't.
 */
class LeastPrivilegeTest {

  @Test
  void withoutDdlAMissingTableIsNamed() {
    try (Nodes nodes = Nodes.freshDatabase("noddl")) {
      Properties p = nodes.properties();
      p.setProperty("pgjcache.ddl", "false");
      p.setProperty("pgjcache.table", "app_cache");
      assertThatThrownBy(() -> nodes.node("a", p))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("app_cache")
          .hasMessageContaining("pgjcache.ddl");
    }
  }

  @Test
  void withoutDdlTablesCreatedByADbaWork() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("dba")) {
      Properties p = nodes.properties();
      p.setProperty("pgjcache.ddl", "false");
      p.setProperty("pgjcache.schema", "cache");
      try (Connection c =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          Statement st = c.createStatement()) {
        for (String ddl : org.pgjcache.PgCachingProvider.ddl(p)) {
          st.execute(ddl);
        }
      }
      javax.cache.CacheManager manager = nodes.node("a", p);
      Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<>());
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
      // the DBA's statements include what lets heartbeats compare changes, not whole caches
      assertThat(ListenKiller.backend(manager).coordination().horizon(java.util.Set.of("c")))
          .isNotNull();
    }
  }

  @Test
  void withoutDdlTablesWithoutDeletionTrackingStillWorkComparingWholeCaches() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("notracking")) {
      nodes.node("owner").createCache("c", new MutableConfiguration<String, String>());
      try (Connection c =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          Statement st = c.createStatement()) {
        st.execute("drop trigger pgjcache_entries_deletes on pgjcache_entries");
        st.execute("alter table pgjcache_entries_caches drop column cleared_rev");
      }
      Properties p = nodes.properties();
      p.setProperty("pgjcache.ddl", "false");
      javax.cache.CacheManager old = nodes.node("a", p);
      assertThat(ListenKiller.backend(old).coordination().horizon(java.util.Set.of("c"))).isNull();
      old.createCache("c", new MutableConfiguration<String, String>()).put("k", "v");
      p.setProperty("pgjcache.ddl", "true");
      javax.cache.CacheManager upgraded = nodes.node("b", p);
      assertThat(ListenKiller.backend(upgraded).coordination().horizon(java.util.Set.of("c")))
          .isNotNull();
    }
  }

  @Test
  void withoutDdlATableOfAnEarlierVersionIsNamedAtOpenAndDdlBringsItUpToDate() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("olderddl")) {
      nodes
          .node("owner")
          .createCache("c", new MutableConfiguration<String, String>())
          .put("k", "v");
      try (Connection c =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          Statement st = c.createStatement()) {
        st.execute(
            "alter table pgjcache_entries drop column prev_value, drop column prev_rev,"
                + " drop column prev_expires_at");
      }
      Properties p = nodes.properties();
      p.setProperty("pgjcache.ddl", "false");
      assertThatThrownBy(() -> nodes.node("a", p))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("prev_value")
          .hasMessageContaining("PgCachingProvider.ddl");
      p.setProperty("pgjcache.ddl", "true");
      Cache<String, String> cache =
          nodes.node("b", p).createCache("c", new MutableConfiguration<String, String>());
      cache.put("k", "v2");
      assertThat(cache.get("k")).isEqualTo("v2");
    }
  }

  @Test
  void withDdlOnARoleThatMayOnlyReadAndWriteExistingTablesNoDdlRuns() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("dmlonly")) {
      nodes
          .node("owner")
          .createCache("c", new MutableConfiguration<String, String>())
          .put("k", "v");
      String role = "pgjcache_dml_only";
      String database;
      try (Connection c =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          Statement st = c.createStatement()) {
        try (java.sql.ResultSet rs = st.executeQuery("select current_database()")) {
          rs.next();
          database = rs.getString(1);
        }
        st.execute(
            "do $$ begin if not exists (select 1 from pg_roles where rolname = '"
                + role
                + "') then create role "
                + role
                + " login; end if; end $$");
        st.execute("revoke create on database \"" + database + "\" from public");
        st.execute("revoke create on schema public from public");
        st.execute(
            "grant select, insert, update, delete on pgjcache_entries, pgjcache_entries_caches,"
                + " pgjcache_entries_nodes to "
                + role);
        st.execute("grant select on pgjcache_entries_secret to " + role);
        st.execute("grant usage, select, update on sequence pgjcache_entries_rev to " + role);
      }
      Properties p = nodes.properties();
      p.setProperty(
          "pgjcache.jdbc-url", nodes.jdbcUrl().replaceAll("([?&])(user|password)=[^&]*", "$1"));
      p.setProperty("pgjcache.user", role);
      p.remove("pgjcache.password");
      Cache<String, String> cache =
          nodes.node("app", p).createCache("c2", new MutableConfiguration<>());
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
    }
  }
}
