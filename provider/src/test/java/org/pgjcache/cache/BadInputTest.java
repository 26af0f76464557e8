package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

class BadInputTest {

  /** A value class that no allowlist names by default. */
  public static final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    final String text;

    Secret(String text) {
      this.text = text;
    }
  }

  /** A value that cannot be serialized. */
  public static final class Opaque {}

  @Test
  void aCacheNameThatLooksLikeSqlIsJustAName() {
    try (Nodes nodes = Nodes.freshDatabase("inject")) {
      String name = "x'); drop table pgjcache_entries; --";
      CacheManager manager = nodes.node("a");
      Cache<String, String> cache = manager.createCache(name, new MutableConfiguration<>());
      cache.put("k", "v");
      Cache<String, String> other = manager.createCache("other", new MutableConfiguration<>());
      other.put("k", "w");
      manager.close();

      CacheManager again = nodes.node("b");
      assertThat(again.createCache(name, new MutableConfiguration<String, String>()).get("k"))
          .isEqualTo("v");
      assertThat(again.createCache("other", new MutableConfiguration<String, String>()).get("k"))
          .isEqualTo("w");
    }
  }

  @Test
  void aCorruptRowFailsOnlyItsOwnKey() throws SQLException {
    try (Nodes nodes = Nodes.freshDatabase("corrupt")) {
      CacheManager manager = nodes.node("a");
      Cache<String, Secret> cache =
          manager.createCache(
              "c", new MutableConfiguration<String, Secret>().setTypes(String.class, Secret.class));
      cache.put("good", new Secret("fine"));
      cache.put("bad", new Secret("soon broken"));
      manager.close();
      sql(nodes, "update pgjcache_entries set value = '\\x01deadbeef'::bytea where key = 's:bad'");

      Cache<String, Secret> reopened =
          nodes
              .node("b")
              .createCache(
                  "c",
                  new MutableConfiguration<String, Secret>().setTypes(String.class, Secret.class));
      assertThatThrownBy(() -> reopened.get("bad"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("cache 'c'");
      assertThat(reopened.get("good").text).isEqualTo("fine");
      reopened.put("bad", new Secret("repaired"));
      assertThat(reopened.get("bad").text).isEqualTo("repaired");
    }
  }

  @Test
  void aClassOutsideTheAllowlistIsRefusedWithAClearMessage() {
    try (Nodes nodes = Nodes.freshDatabase("allow")) {
      Properties allowing = nodes.properties();
      allowing.setProperty("pgjcache.serialization.allow", Secret.class.getName());
      Cache<String, Object> writer =
          nodes.node("writer", allowing).createCache("c", new MutableConfiguration<>());
      writer.put("k", new Secret("hidden"));
      assertThat(((Secret) writer.get("k")).text).isEqualTo("hidden");

      Cache<String, Object> reader =
          nodes.node("reader").createCache("c", new MutableConfiguration<>());
      assertThatThrownBy(() -> reader.get("k"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining(Secret.class.getName())
          .hasMessageContaining("pgjcache.serialization.allow");
    }
  }

  @Test
  void storeByValueOfSomethingUnserializableNamesTheClass() {
    try (Nodes nodes = Nodes.freshDatabase("unser")) {
      Cache<String, Object> cache = nodes.node("a").createCache("c", new MutableConfiguration<>());
      assertThatThrownBy(() -> cache.put("k", new Opaque()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining(Opaque.class.getName());
      assertThat(cache.containsKey("k")).isFalse();
    }
  }

  @Test
  void nullsGetWhatTheSpecSays() {
    try (Nodes nodes = Nodes.freshDatabase("nulls")) {
      Cache<String, String> cache = nodes.node("a").createCache("c", new MutableConfiguration<>());
      assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class);
      cache.close();
      assertThatThrownBy(() -> cache.get("k")).isInstanceOf(IllegalStateException.class);
    }
  }

  static void sql(Nodes nodes, String statement) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
        PreparedStatement ps = c.prepareStatement(statement)) {
      ps.execute();
    }
  }
}
