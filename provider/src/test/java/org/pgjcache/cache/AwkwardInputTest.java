package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.codec.HostileValues;
import org.pgjcache.support.Nodes;

/**
 * Keys PostgreSQL {@code text} cannot hold as they are, and rows written by someone hostile, on the
 * real database.
 */
class AwkwardInputTest {

  @Test
  void keysWithNulOrALoneSurrogateAreStoredExactlyAndApart() {
    try (Nodes nodes = Nodes.freshDatabase("keytext")) {
      CacheManager manager = nodes.node("a");
      Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<>());
      cache.put("a\u0000b", "nul");
      cache.put("a\uD800b", "high");
      cache.put("a\uDBFFb", "other high");
      cache.put("a?b", "question mark");
      cache.put("a\\0b", "backslash zero");
      cache.put("ab", "plain");
      manager.close();

      Cache<String, String> again =
          nodes.node("b").createCache("c", new MutableConfiguration<String, String>());
      assertThat(again.get("a\u0000b")).isEqualTo("nul");
      assertThat(again.get("a\uD800b")).isEqualTo("high");
      assertThat(again.get("a\uDBFFb")).isEqualTo("other high");
      assertThat(again.get("a?b")).isEqualTo("question mark");
      assertThat(again.get("a\\0b")).isEqualTo("backslash zero");
      assertThat(again.get("ab")).isEqualTo("plain");
      Set<String> keys = new HashSet<>();
      again.forEach(e -> keys.add(e.getKey()));
      assertThat(keys)
          .containsExactlyInAnyOrder("a\u0000b", "a\uD800b", "a\uDBFFb", "a?b", "a\\0b", "ab");
      again.remove("a\u0000b");
      assertThat(again.containsKey("a\u0000b")).isFalse();
      assertThat(again.get("ab")).isEqualTo("plain");
    }
  }

  @Test
  void aHashBombInTheTableFailsOnlyItsKeyAndQuickly() throws SQLException, java.io.IOException {
    try (Nodes nodes = Nodes.freshDatabase("bomb")) {
      CacheManager writer = nodes.node("a");
      Cache<String, Object> cache = writer.createCache("c", new MutableConfiguration<>());
      cache.put("good", new ArrayList<>(List.of("fine")));
      cache.put("bad", new ArrayList<>(List.of("soon a bomb")));
      writer.close();
      try (Connection c =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          PreparedStatement ps =
              c.prepareStatement("update pgjcache_entries set value = ? where key = 's:bad'")) {
        ps.setBytes(1, HostileValues.tagged(HostileValues.hashBomb(100)));
        ps.executeUpdate();
      }

      Cache<String, Object> reader = nodes.node("b").createCache("c", new MutableConfiguration<>());
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              assertThatThrownBy(() -> reader.get("bad"))
                  .isInstanceOf(CacheException.class)
                  .hasMessageContaining("cache 'c'")
                  .hasMessageContaining("pgjcache.serialization.max-"));
      assertThat(reader.get("good")).isEqualTo(List.of("fine"));
      reader.put("bad", new ArrayList<>(List.of("repaired")));
      assertThat(reader.get("bad")).isEqualTo(List.of("repaired"));
    }
  }
}
