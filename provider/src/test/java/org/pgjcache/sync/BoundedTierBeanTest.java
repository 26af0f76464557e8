package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/** The Sync MXBean shows each cache's local tier: hits, misses, evictions, size and bound. */
class BoundedTierBeanTest {

  @Test
  void theSyncBeanReportsTheLocalTierOfEachCache() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("bounded_bean")) {
      Properties p = fast(nodes, "tier-node");
      p.setProperty("pgjcache.caches.small.max-entries", "5");
      CacheManager manager = nodes.node("tier", p);
      MutableConfiguration<String, String> config = strings();
      Cache<Object, Object> small = manager.getCache("small"); // declared: opened with the manager
      Cache<String, String> whole = manager.createCache("whole", config);
      for (int i = 0; i < 20; i++) {
        small.put("k" + i, "v" + i);
        whole.put("k" + i, "v" + i);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(small.get("k" + i)).isEqualTo("v" + i);
      }
      assertThat(small.get("k19")).isEqualTo("v19");

      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name =
          new ObjectName(
              "org.pgjcache:type=Sync,node=tier-node,id=" + sync(manager).nodeId().substring(0, 8));
      Map<String, Long> sizes = toMap(server.getAttribute(name, "LocalTierSizes"));
      Map<String, Long> bounds = toMap(server.getAttribute(name, "LocalTierBounds"));
      Map<String, Long> hits = toMap(server.getAttribute(name, "LocalTierHits"));
      Map<String, Long> misses = toMap(server.getAttribute(name, "LocalTierMisses"));
      Map<String, Long> evictions = toMap(server.getAttribute(name, "LocalTierEvictions"));
      assertThat(bounds).containsEntry("small", 5L).containsEntry("whole", -1L);
      assertThat(sizes.get("small")).isBetween(1L, 5L);
      assertThat(sizes).containsEntry("whole", 20L);
      assertThat(evictions.get("small")).isGreaterThanOrEqualTo(15L);
      assertThat(hits.get("small")).isPositive();
      assertThat(misses.get("small")).isPositive();
      assertThat(hits.get("small") + misses.get("small")).isGreaterThanOrEqualTo(21L);
      assertThat(hits).containsEntry("whole", 0L);
    }
  }

  private static Map<String, Long> toMap(Object tabular) {
    Map<String, Long> map = new TreeMap<>();
    for (Object row : ((TabularData) tabular).values()) {
      CompositeData data = (CompositeData) row;
      map.put((String) data.get("key"), (Long) data.get("value"));
    }
    return map;
  }
}
