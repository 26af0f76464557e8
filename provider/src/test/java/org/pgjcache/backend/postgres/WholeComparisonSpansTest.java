package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.BucketSums;
import org.pgjcache.sync.Checksums;

/**
 * A whole comparison reads a cache a span of revisions at a time, so that no statement nears the
 * statement timeout on a large cache: the spans together must give exactly what one statement over
 * the whole cache gives, whatever the span size, with removals left out.
 */
class WholeComparisonSpansTest {

  @Test
  void checksumsAndListingsReadInSpansEqualThoseReadAtOnce() {
    try (Nodes nodes = Nodes.freshDatabase("spans")) {
      Properties p = nodes.properties();
      p.setProperty("pgjcache.heartbeat-interval", "1h");
      CacheManager manager = nodes.node("a", p);
      Cache<String, String> cache =
          manager.createCache(
              "c", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      for (int i = 0; i < 50; i++) {
        cache.put("k" + i, "v" + i);
      }
      for (int i = 0; i < 50; i += 10) {
        cache.remove("k" + i);
      }
      cache.put("k1", "again");
      PostgresCoordination coordination =
          (PostgresCoordination) ListenKiller.backend(manager).coordination();
      int[] all = IntStream.range(0, Checksums.BUCKETS).toArray();

      BucketSums atOnce = coordination.checksums(List.of("c")).get("c");
      Map<String, Long> listedAtOnce = coordination.revisionsInBuckets("c", all);
      assertThat(atOnce.count()).as("values, removals left out").isEqualTo(45);
      assertThat(listedAtOnce).hasSize(45).doesNotContainKey("s:k0").containsKey("s:k1");

      for (int span : new int[] {1, 2, 7, 44, 45, 46}) {
        coordination.spanRows = span;
        assertThat(coordination.checksums(List.of("c")).get("c"))
            .as("span " + span)
            .isEqualTo(atOnce);
        assertThat(coordination.revisionsInBuckets("c", all))
            .as("span " + span)
            .isEqualTo(listedAtOnce);
      }
      assertThat(coordination.checksums(List.of("none")).get("none")).isEqualTo(BucketSums.EMPTY);
    }
  }
}
