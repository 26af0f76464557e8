package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import org.junit.jupiter.api.Test;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.pgjcache.support.Nodes;
import org.pgjcache.testkit.ExtraServer;
import org.pgjcache.testkit.TestDatabase;

/**
 * A primary and a streaming standby, both started by the test, named in one multi-host URL with the
 * standby first: the LISTEN connection skips the standby as pgjdbc's pool does, and when the
 * primary goes away and the standby is promoted, writes and propagation resume there with no
 * acknowledged write lost.
 */
class FailoverTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Set<String> HEARD = ConcurrentHashMap.newKeySet();

  /** Records what node b hears; static because listener factories are built from classes. */
  public static final class Heard implements CacheEntryCreatedListener<String, String> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> HEARD.add(e.getKey()));
    }
  }

  @Test
  void listensOnThePrimaryAndFollowsAPromotedStandby() throws Exception {
    try (ExtraServer primary = ExtraServer.embedded().config("wal_keep_size = '256MB'").start()) {
      String primaryUrl = primary.database().createDatabase("failover");
      String database =
          primaryUrl.substring(primaryUrl.lastIndexOf('/') + 1, primaryUrl.indexOf('?'));
      try (ExtraServer standby = primary.standby()) {
        TestDatabase p = primary.database();
        TestDatabase s = standby.database();
        // the primary commits only what the standby has: an acknowledged write survives the
        // failover
        try (Connection c = DriverManager.getConnection(p.jdbcUrl());
            Statement st = c.createStatement()) {
          st.execute("alter system set synchronous_standby_names = '*'");
          st.execute("alter system set synchronous_commit = on");
          st.execute("select pg_reload_conf()");
        }
        await()
            .atMost(WAIT)
            .until(
                () ->
                    scalar(
                            p.jdbcUrl(),
                            "select count(*) from pg_stat_replication where sync_state = 'sync'")
                        .equals("1"));

        String url =
            "jdbc:postgresql://"
                + s.host()
                + ":"
                + s.port()
                + ","
                + p.host()
                + ":"
                + p.port()
                + "/"
                + database
                + "?targetServerType=primary&hostRecheckSeconds=1";
        try (Nodes nodes = new Nodes(url, p.user(), p.password())) {
          CacheManager am = nodes.node("a", fast(nodes, "node-a"));
          CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
          MutableConfiguration<String, String> config =
              new MutableConfiguration<String, String>().setTypes(String.class, String.class);
          Cache<String, String> a = am.createCache("c", config);
          Cache<String, String> b =
              bm.createCache(
                  "c",
                  new MutableConfiguration<>(config)
                      .addCacheEntryListenerConfiguration(
                          new MutableCacheEntryListenerConfiguration<>(
                              FactoryBuilder.factoryOf(Heard.class), null, false, true)));
          String onPrimary = p.host() + ":" + p.port() + "/" + database;
          assertThat(endpoint(am))
              .as("the standby listed first is passed over")
              .isEqualTo(onPrimary);
          assertThat(endpoint(bm)).isEqualTo(onPrimary);

          a.put("before", "1");
          await().atMost(WAIT).until(() -> HEARD.contains("before"));

          Set<String> acknowledged = ConcurrentHashMap.newKeySet();
          AtomicBoolean stop = new AtomicBoolean();
          AtomicInteger failed = new AtomicInteger();
          Thread writer =
              new Thread(
                  () -> {
                    for (int i = 0; !stop.get(); i++) {
                      try {
                        a.put("w" + i, "v" + i);
                        acknowledged.add("w" + i);
                      } catch (CacheException e) {
                        failed.incrementAndGet();
                      }
                    }
                  },
                  "failover-writer");
          writer.start();
          try {
            await().atMost(WAIT).until(() -> acknowledged.size() >= 50);
            p.stop();
            standby.promote();
            int ackedAtPromotion = acknowledged.size();
            await().atMost(WAIT).until(() -> acknowledged.size() >= ackedAtPromotion + 50);
          } finally {
            stop.set(true);
            writer.join(WAIT.toMillis());
          }
          assertThat(failed.get()).as("puts failed while no primary ran").isPositive();

          String onPromoted = s.host() + ":" + s.port() + "/" + database;
          await()
              .atMost(WAIT)
              .untilAsserted(
                  () -> {
                    assertThat(endpoint(am)).isEqualTo(onPromoted);
                    assertThat(endpoint(bm)).isEqualTo(onPromoted);
                    assertThat(listening(bm)).isTrue();
                  });
          a.put("after", "2");
          await().atMost(WAIT).until(() -> HEARD.contains("after"));

          Set<String> inTable = new HashSet<>();
          try (Connection c =
                  DriverManager.getConnection(
                      s.jdbcUrl().replace("/" + s.database() + "?", "/" + database + "?"));
              Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery("select key from pgjcache_entries where cache = 'c'")) {
            while (rs.next()) {
              inTable.add(rs.getString(1).substring(2));
            }
          }
          assertThat(inTable)
              .as("every acknowledged write is on the promoted server")
              .containsAll(acknowledged);
          await()
              .atMost(WAIT)
              .untilAsserted(
                  () -> {
                    for (String key : acknowledged) {
                      assertThat(b.get(key)).as(key).isEqualTo("v" + key.substring(1));
                    }
                  });
        }
      }
    }
  }

  @Test
  void aUrlThatSendsWritesToAStandbyIsRefusedBeforeConnecting() {
    TestDatabase db = TestDatabase.get();
    String url =
        "jdbc:postgresql://"
            + db.host()
            + ":"
            + db.port()
            + "/"
            + db.database()
            + "?targetServerType=preferSecondary";
    try (Nodes nodes = new Nodes(url, db.user(), db.password())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodes.node("a"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("targetServerType=preferSecondary")
          .hasMessageContaining("read-only standby");
    }
  }

  private static Properties fast(Nodes nodes, String name) {
    Properties p = nodes.fast(name);
    p.setProperty("pgjcache.statement-timeout", "2s");
    p.setProperty("pgjcache.connect-timeout", "2s");
    return p;
  }

  private static String endpoint(CacheManager manager) {
    return manager.unwrap(PgCacheManagerImpl.class).sync().listenStatus().endpoint();
  }

  private static boolean listening(CacheManager manager) {
    return manager.unwrap(PgCacheManagerImpl.class).sync().listenStatus().listening();
  }

  private static String scalar(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
