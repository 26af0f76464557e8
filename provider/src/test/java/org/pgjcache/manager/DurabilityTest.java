package org.pgjcache.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

class DurabilityTest {

  @Test
  void entriesSurviveEveryManagerClosing() {
    try (Nodes nodes = Nodes.freshDatabase("durable")) {
      CacheManager first = nodes.node("first");
      Cache<String, Integer> cache =
          first.createCache(
              "scores",
              new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      cache.put("alice", 3);
      cache.putAll(Map.of("bob", 5, "carol", 7));
      cache.remove("carol");
      first.close();

      CacheManager second = nodes.node("second");
      Cache<String, Integer> reopened =
          second.createCache(
              "scores",
              new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      assertThat(reopened.get("alice")).isEqualTo(3);
      assertThat(reopened.get("bob")).isEqualTo(5);
      assertThat(reopened.containsKey("carol")).isFalse();
    }
  }

  @Test
  void destroyCacheDeletesTheData() {
    try (Nodes nodes = Nodes.freshDatabase("destroy")) {
      CacheManager first = nodes.node("first");
      Cache<String, String> cache = first.createCache("gone", new MutableConfiguration<>());
      cache.put("k", "v");
      first.destroyCache("gone");
      first.close();

      Cache<String, String> again =
          nodes.node("second").createCache("gone", new MutableConfiguration<>());
      assertThat(again.get("k")).isNull();
    }
  }
}
