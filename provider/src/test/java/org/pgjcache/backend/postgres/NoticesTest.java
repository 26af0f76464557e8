package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscription;
import org.pgjcache.support.ListenKiller;
import org.pgjcache.support.Nodes;

/**
 * What reaches a node on the channel, through a real LISTEN connection: a fresh sealed notification
 * is delivered; an authentic one that arrived too late is not applied but makes its cache reconcile
 * (and brings it what the database holds); late fence markers, late unparseable and forged ones are
 * skipped without a reconciliation.
 */
class NoticesTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A send time old enough that no node trusts the notification. */
  private static final long LATE = NoticeSeal.MAX_AGE_MILLIS + 60_000;

  /** A node that reconciles only when told to: its heartbeat does not come during a test. */
  private static CacheManager quietNode(Nodes nodes, String name) {
    Properties p = nodes.properties();
    p.setProperty("pgjcache.node-name", name);
    p.setProperty("pgjcache.heartbeat-interval", "1h");
    p.setProperty("pgjcache.expiry-interval", "1h");
    return nodes.node(name, p);
  }

  private static Connection connect(Nodes nodes) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", nodes.user());
    if (nodes.password() != null && !nodes.password().isEmpty()) {
      p.setProperty("password", nodes.password());
    }
    return DriverManager.getConnection(nodes.jdbcUrl(), p);
  }

  /** The seal every node of the database uses, from its secret table. */
  private static NoticeSeal seal(PostgresBackend backend, Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(backend.sql().readSecret());
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      return new NoticeSeal(rs.getBytes(1));
    }
  }

  private static void notify(Connection c, PostgresBackend backend, String payload)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
      ps.setString(1, backend.settings().channel());
      ps.setString(2, payload);
      ps.executeQuery().close();
    }
  }

  private static String removal(String cache, String key, long rev) {
    return Payloads.complete('R', rev, cache, key, Row.ETERNAL, "elsewhere.1");
  }

  /** Records what one subscriber of a backend hears. */
  private static final class Heard implements ChangeListener {
    final List<String> keys = new CopyOnWriteArrayList<>();
    final AtomicInteger gaps = new AtomicInteger();

    @Override
    public void onChange(Change change) {
      keys.add(change.key());
    }

    @Override
    public void onPossibleGap() {
      gaps.incrementAndGet();
    }
  }

  @Test
  void aLateNotificationIsNotAppliedButReconcilesItsCacheAndOthersAreSkipped() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("notices");
        Connection c = connect(nodes)) {
      PostgresBackend backend = ListenKiller.backend(quietNode(nodes, "b"));
      NoticeSeal seal = seal(backend, c);
      Heard heard = new Heard();
      try (Subscription ignored = backend.feed().subscribe("c", heard)) {
        notify(c, backend, seal.seal(removal("c", "s:first", 1), backend.store().now()));
        await().atMost(WAIT).until(() -> heard.keys.contains("s:first"));
        int gaps = heard.gaps.get();
        long corrupt = backend.feed().corruptNotifications();
        long forged = backend.feed().forgedNotifications();
        long reconnects = backend.feed().listenReconnects();

        long late = backend.store().now() - LATE;
        notify(c, backend, seal.seal(removal("c", "s:late", 2), late));
        Subscription elsewhere =
            new Subscription() {
              @Override
              public String origin() {
                return "another-node.1";
              }

              @Override
              public void close() {}
            };
        notify(c, backend, seal.seal(Fences.payload(elsewhere), late));
        notify(c, backend, seal.seal("not a notification", late));
        NoticeSeal foreign =
            new NoticeSeal("a secret of another database.....".getBytes(StandardCharsets.US_ASCII));
        notify(c, backend, foreign.seal(removal("c", "s:forged", 3), backend.store().now()));
        notify(c, backend, seal.seal(removal("c", "s:second", 4), backend.store().now()));
        await().atMost(WAIT).until(() -> heard.keys.contains("s:second"));

        assertThat(heard.keys).containsExactly("s:first", "s:second");
        assertThat(heard.gaps.get() - gaps).as("reconciliations asked for").isEqualTo(1);
        assertThat(backend.feed().forgedNotifications() - forged).isEqualTo(1);
        assertThat(backend.feed().corruptNotifications() - corrupt)
            .as("the forged and the unparseable")
            .isEqualTo(2);
        assertThat(backend.feed().listenReconnects()).isEqualTo(reconnects);
      }
    }
  }

  @Test
  void notificationsOfCachesNotOpenedHereAreDroppedBeforeTheirSealIsChecked() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("other-caches");
        Connection c = connect(nodes)) {
      PostgresBackend backend = ListenKiller.backend(quietNode(nodes, "b"));
      NoticeSeal seal = seal(backend, c);
      NoticeSeal foreign =
          new NoticeSeal("a secret of another database.....".getBytes(StandardCharsets.US_ASCII));
      Heard heard = new Heard();
      try (Subscription ignored = backend.feed().subscribe("c", heard)) {
        notify(c, backend, seal.seal(removal("c", "s:first", 1), backend.store().now()));
        await().atMost(WAIT).until(() -> heard.keys.contains("s:first"));
        long forged = backend.feed().forgedNotifications();
        long others = backend.unopenedNotifications();

        notify(c, backend, foreign.seal(removal("not-opened", "s:x", 2), backend.store().now()));
        notify(c, backend, seal.seal(removal("not-opened", "s:y", 3), backend.store().now()));
        notify(
            c,
            backend,
            seal.seal(
                Payloads.batch('P', "not-opened", "elsewhere.1")[0]
                    + "4|5"
                    + Payloads.batch('P', "not-opened", "elsewhere.1")[1],
                backend.store().now()));
        notify(c, backend, foreign.seal(removal("c", "s:forged", 6), backend.store().now()));
        notify(c, backend, seal.seal(removal("c", "s:second", 7), backend.store().now()));
        await().atMost(WAIT).until(() -> heard.keys.contains("s:second"));

        assertThat(heard.keys).containsExactly("s:first", "s:second");
        assertThat(backend.unopenedNotifications() - others).as("dropped unopened").isEqualTo(3);
        assertThat(backend.feed().forgedNotifications() - forged)
            .as("the forged one for cache c")
            .isEqualTo(1);
      }
    }
  }

  @Test
  void aNodesOwnEchoesAreDroppedBeforeTheirSealIsCheckedWhileOtherNodesStillHearThem()
      throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("own-echoes")) {
      CacheManager am = quietNode(nodes, "a");
      CacheManager bm = quietNode(nodes, "b");
      PostgresBackend backend = ListenKiller.backend(am);
      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>().setTypes(String.class, String.class);
      Cache<String, String> a = am.createCache("c", config);
      Cache<String, String> b = bm.createCache("c", config);
      a.put("warm", "up");
      await().atMost(WAIT).until(() -> "up".equals(b.get("warm")));
      await().atMost(WAIT).until(() -> backend.unopenedNotifications() >= 1);
      long dropped = backend.unopenedNotifications();
      long forged = backend.feed().forgedNotifications();

      for (int i = 0; i < 5; i++) {
        a.put("k" + i, "v" + i);
      }
      b.put("from-b", "heard");
      await().atMost(WAIT).until(() -> "heard".equals(a.get("from-b")));
      await().atMost(WAIT).until(() -> "v4".equals(b.get("k4")));

      assertThat(backend.unopenedNotifications() - dropped)
          .as("a's own five puts, dropped unopened")
          .isEqualTo(5);
      assertThat(backend.feed().forgedNotifications()).isEqualTo(forged);
      for (int i = 0; i < 5; i++) {
        assertThat(b.get("k" + i)).isEqualTo("v" + i);
      }
    }
  }

  @Test
  void aLateNotificationMakesItsCacheTakeWhatTheDatabaseHolds() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("late-notice");
        Connection c = connect(nodes)) {
      CacheManager am = quietNode(nodes, "a");
      CacheManager bm = quietNode(nodes, "b");
      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>().setTypes(String.class, String.class);
      Cache<String, String> a = am.createCache("c", config);
      Cache<String, String> b = bm.createCache("c", config);
      a.put("k", "v1");
      a.put("other", "from the database");
      await().atMost(WAIT).until(() -> "from the database".equals(b.get("other")));
      assertThat(b.get("k")).isEqualTo("v1");

      // changed behind every node's back: no notification
      try (PreparedStatement ps =
          c.prepareStatement(
              "update pgjcache_entries set value = (select"
                  + " value from pgjcache_entries where key = 's:other'),"
                  + " rev = nextval('pgjcache_entries_rev') where key = 's:k'")) {
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(b.get("k")).isEqualTo("v1");

      // an authentic but late removal of that key: trusting it would remove k on node b
      PostgresBackend backend = ListenKiller.backend(bm);
      notify(
          c,
          backend,
          seal(backend, c)
              .seal(removal("c", "s:k", Long.MAX_VALUE - 1), backend.store().now() - LATE));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("k")).isEqualTo("from the database");
                assertThat(a.get("k")).isEqualTo("from the database");
              });
    }
  }
}
