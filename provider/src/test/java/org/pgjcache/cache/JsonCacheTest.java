package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/**
 * A cache declared {@code value-format: json} stores values SQL can query as {@code jsonb} and that
 * another node reads back as the declared type.
 */
class JsonCacheTest {

  /** The declared value type. */
  public record Price(
      String sku,
      BigDecimal amount,
      Instant since,
      List<String> regions,
      Map<String, Object> extra) {}

  @Test
  void valuesAreJsonInSqlAndTheDeclaredTypeOnEveryNode() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("json")) {
      Properties p = nodes.properties();
      p.setProperty("pgjcache.caches.prices.value-format", "json");
      p.setProperty("pgjcache.caches.prices.key-type", "java.lang.String");
      p.setProperty("pgjcache.caches.prices.value-type", Price.class.getName());
      CacheManager a = nodes.node("a", p);
      CacheManager b = nodes.node("b", p);
      Cache<String, Price> onA = a.getCache("prices", String.class, Price.class);
      Cache<String, Price> onB = b.getCache("prices", String.class, Price.class);
      Price price =
          new Price(
              "lamp-1",
              new BigDecimal("19.90"),
              Instant.parse("2026-12-04T18:00:00Z"),
              List.of("eu", "us"),
              Map.of("discount", false));
      onA.put("lamp-1", price);

      await().atMost(Duration.ofSeconds(20)).until(() -> price.equals(onB.get("lamp-1")));
      try (Connection c =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "select value->>'amount', value->'regions'->>1,"
                      + " value->>'since', (value->'extra'->>'discount')::boolean from pgjcache_entries_json"
                      + " where cache = 'prices' and key = 's:lamp-1'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("19.90");
        assertThat(rs.getString(2)).isEqualTo("us");
        assertThat(rs.getString(3)).isEqualTo("2026-12-04T18:00:00Z");
        assertThat(rs.getBoolean(4)).isFalse();
      }
      // a change made in SQL is read back as the declared type too
      try (Connection c =
              DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
          Statement st = c.createStatement()) {
        st.executeUpdate(
            "update pgjcache_entries set value = '\\x08'::bytea || convert_to("
                + "'{\"sku\":\"lamp-1\",\"amount\":17.50,\"since\":\"2026-12-05T00:00:00Z\","
                + "\"regions\":[\"eu\"],\"extra\":{}}', 'UTF8') where cache = 'prices'"
                + " and key = 's:lamp-1'");
      }
      a.unwrap(org.pgjcache.manager.PgCacheManagerImpl.class).sync().heartbeatNow();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(onA.get("lamp-1"))
                      .isEqualTo(
                          new Price(
                              "lamp-1",
                              new BigDecimal("17.50"),
                              Instant.parse("2026-12-05T00:00:00Z"),
                              List.of("eu"),
                              Map.of())));
    }
  }
}
