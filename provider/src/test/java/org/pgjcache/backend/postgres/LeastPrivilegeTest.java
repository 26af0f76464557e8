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
import org.pgjcache.config.SettingsResolver;
import org.pgjcache.support.Nodes;

/** With DDL switched off pgjcache needs the tables to exist, and says so clearly when they don't. */
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
      try (Connection c = DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(),
          nodes.password()); Statement st = c.createStatement()) {
        for (String ddl : PostgresBackend.ddl(SettingsResolver.resolve(null,
            getClass().getClassLoader(), p))) {
          st.execute(ddl);
        }
      }
      Cache<String, String> cache = nodes.node("a", p).createCache("c",
          new MutableConfiguration<>());
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
    }
  }
}
