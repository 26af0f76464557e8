package org.pgjcache.bench.peers;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.net.URI;
import java.util.UUID;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;

/**
 * Hazelcast's JCache on an embedded member: the distributed in-JVM peer. The member binds to the
 * loopback address only and joins nobody (no multicast, no TCP/IP members, no auto-detection, no
 * phone-home).
 */
final class HazelcastPeer {

  static final String PROVIDER = "com.hazelcast.cache.HazelcastMemberCachingProvider";

  private HazelcastPeer() {}

  static Peer open(String name) {
    HazelcastInstance member = Hazelcast.newHazelcastInstance(loopbackConfig());
    try {
      CachingProvider provider = Caching.getCachingProvider(PROVIDER);
      CacheManager manager =
          provider.getCacheManager(
              URI.create("hazelcast-bench-" + UUID.randomUUID()),
              HazelcastPeer.class.getClassLoader(),
              HazelcastCachingProvider.propertiesByInstanceItself(member));
      return new Peer(name, manager, member::shutdown);
    } catch (RuntimeException e) {
      member.shutdown();
      throw e;
    }
  }

  static Config loopbackConfig() {
    Config config = new Config();
    config.setClusterName("pgjcache-bench-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(5701).setPortAutoIncrement(true).setPortCount(100);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    config.getJetConfig().setEnabled(false);
    return config;
  }
}
