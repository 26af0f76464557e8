package org.pgjcache.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/** Managers share a backend only when it would run on the same settings for both. */
class SharedBackendSettingsTest {

  @Test
  void aManagerWithOtherBackendSettingsGetsItsOwnBackendAndEqualOnesShare() {
    try (Nodes nodes = Nodes.freshDatabase("sharedsettings")) {
      int before = Backends.openCount();
      Properties first = nodes.properties();
      first.setProperty("pgjcache.shared-backend", "true");
      first.setProperty("pgjcache.node-name", "one");
      CacheManager one = nodes.node("one", first);
      assertThat(Backends.openCount()).isEqualTo(before + 1);

      Properties same = nodes.properties();
      same.setProperty("pgjcache.shared-backend", "true");
      same.setProperty("pgjcache.node-name", "two");
      CacheManager two = nodes.node("two", same);
      assertThat(Backends.openCount()).as("node name is the manager's own").isEqualTo(before + 1);

      Properties other = nodes.properties();
      other.setProperty("pgjcache.shared-backend", "true");
      other.setProperty("pgjcache.pool-size", "3");
      other.setProperty("pgjcache.durability", "relaxed");
      CacheManager three = nodes.node("three", other);
      assertThat(Backends.openCount()).as("pool size and durability differ").isEqualTo(before + 2);

      three.close();
      two.close();
      one.close();
      assertThat(Backends.openCount()).isEqualTo(before);
    }
  }
}
