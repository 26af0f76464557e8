package org.pgjcache.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.integration.CompletionListenerFuture;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.support.PgjcacheThreads;

class ResourceReleaseTest {

  /** A listener that does nothing; asynchronous, so the manager's event threads are used. */
  public static final class Quiet implements CacheEntryCreatedListener<String, String> {
    @Override
    public void onCreated(
        Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> e.getKey());
    }
  }

  @Test
  void closingTheManagerReleasesEveryThreadAndConnection() throws Exception {
    Set<String> before = PgjcacheThreads.alive();
    try (Nodes nodes = Nodes.freshDatabase("release")) {
      CacheManager manager = nodes.node("a");
      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>()
              .setTypes(String.class, String.class)
              .setStatisticsEnabled(true)
              .setManagementEnabled(true)
              .addCacheEntryListenerConfiguration(
                  new MutableCacheEntryListenerConfiguration<>(
                      FactoryBuilder.factoryOf(Quiet.class), null, false, false));
      Cache<String, String> cache = manager.createCache("c", config);
      for (int i = 0; i < 50; i++) {
        cache.put("k" + i, "v" + i);
      }
      CompletionListenerFuture done = new CompletionListenerFuture();
      cache.loadAll(Set.of("k1"), false, done);
      done.get();
      assertThat(PgjcacheThreads.alive()).isNotEqualTo(before);
      assertThat(connections(nodes)).isGreaterThanOrEqualTo(2);

      manager.close();

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(PgjcacheThreads.alive()).isEqualTo(before);
                assertThat(connections(nodes)).isZero();
              });
    }
  }

  private static int connections(Nodes nodes) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from pg_stat_activity"
                    + " where datname = current_database() and pid <> pg_backend_pid()")) {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
