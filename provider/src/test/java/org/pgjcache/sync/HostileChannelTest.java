package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.execute;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.query;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What a role that may only connect can do on pgjcache's channel: it can send and listen, but
 * nothing it sends makes a node serve, remove or announce anything, not even for an instant, and
 * what it hears carries no values.
 */
class HostileChannelTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String OUTSIDER = "pgjcache_outsider";
  private static final String CHANNEL = "pgjcache_changes";

  private static Nodes nodes;

  @BeforeAll
  static void outsider() throws SQLException {
    nodes = Nodes.freshDatabase("hostile");
    execute(
        nodes,
        "do $$ begin if not exists (select 1 from pg_roles where rolname = '"
            + OUTSIDER
            + "') then create role "
            + OUTSIDER
            + " login; end if; end $$");
  }

  @AfterAll
  static void close() {
    nodes.close();
  }

  private static Connection asOutsider() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", OUTSIDER);
    String url = nodes.jdbcUrl().replaceAll("([?&])(user|password)=[^&]*", "$1");
    return DriverManager.getConnection(url, p);
  }

  private static void notifyAs(Connection c, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
      ps.setString(1, CHANNEL);
      ps.setString(2, payload);
      ps.executeQuery().close();
    }
  }

  private static long rev(String key) throws SQLException {
    return SyncFixtures.rev(nodes, key);
  }

  private static String storedValue(String key) throws SQLException {
    byte[] bytes =
        (byte[])
            query(
                    nodes,
                    "select value from pgjcache_entries where cache = 'c' and"
                        + " key = 's:"
                        + key
                        + "'")
                .get(0)
                .get(0);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A payload in the layout pgjcache used before notifications were sealed, and a guessed seal. */
  private static List<String> forgeries(char op, String key, long rev, String base64Value) {
    String body =
        op
            + "|"
            + rev
            + "|"
            + Long.MAX_VALUE
            + "|forger|1|"
            + (key.length() + 2)
            + "|cs:"
            + key
            + base64Value;
    List<String> all = new ArrayList<>();
    all.add(body);
    all.add(
        body
            + "|"
            + System.currentTimeMillis()
            + "|"
            + Base64.getEncoder().encodeToString(new byte[32]));
    return all;
  }

  @Test
  void forgedChangesFromARoleWithoutPrivilegesAreNeverServedOrHeard() throws Exception {
    CacheManager am = nodes.node("a", fast(nodes, "node-a"));
    CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
    MutableConfiguration<String, String> config = strings();
    Cache<String, String> a = am.createCache("c", config);
    Recorder heard = new Recorder();
    Cache<String, String> b =
        bm.createCache(
            "c",
            new MutableConfiguration<>(config)
                .addCacheEntryListenerConfiguration(heard.configuration()));
    a.put("victim", "real");
    a.put("donor", "forged");
    await().atMost(WAIT).until(() -> heard.size() == 2);
    String forgedValue = storedValue("donor");
    long victimRev = rev("victim");

    List<String> payloads = new ArrayList<>();
    payloads.addAll(forgeries('P', "victim", victimRev + 1, forgedValue));
    payloads.addAll(forgeries('P', "victim", Long.MAX_VALUE, forgedValue));
    payloads.addAll(forgeries('R', "victim", Long.MAX_VALUE, ""));
    payloads.addAll(forgeries('P', "absent", victimRev + 1, forgedValue));
    payloads.add("B|P|0|" + Long.MAX_VALUE + "|forger|1|c");
    payloads.add("G|0|0|forger|1|0|c");
    long before = sync(bm).forgedNotificationsRefused();
    try (Connection outsider = asOutsider()) {
      assertThatThrownBy(
              () -> {
                try (Statement st = outsider.createStatement()) {
                  st.executeQuery("select key from pgjcache_entries_secret").close();
                }
              })
          .hasMessageContaining("permission denied");
      for (String payload : payloads) {
        notifyAs(outsider, payload);
      }
    }
    await()
        .atMost(WAIT)
        .until(() -> sync(bm).forgedNotificationsRefused() - before == payloads.size());
    assertThat(b.get("victim")).isEqualTo("real");
    assertThat(b.get("absent")).isNull();
    assertThat(a.get("victim")).isEqualTo("real");
    assertThat(heard.size()).isEqualTo(2);

    a.put("victim", "real again");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(b.get("victim")).isEqualTo("real again");
              assertThat(heard.events())
                  .last()
                  .isEqualTo(new Event(EventType.UPDATED, "victim", "real again", "real"));
            });
    assertThat(sync(bm).listenReconnects()).isZero();
  }

  @Test
  void aListenerWithoutTheKeyHearsNoValues() throws Exception {
    CacheManager am = nodes.node("writer", fast(nodes, "writer"));
    Cache<String, String> a = am.createCache("secrets", strings());
    String secret = "top secret value 12345";
    try (Connection outsider = asOutsider()) {
      try (Statement st = outsider.createStatement()) {
        st.execute("listen " + CHANNEL);
      }
      a.put("k", secret);
      List<String> heard = new ArrayList<>();
      PGConnection pg = outsider.unwrap(PGConnection.class);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                PGNotification[] got = pg.getNotifications(100);
                if (got != null) {
                  for (PGNotification n : got) {
                    heard.add(n.getParameter());
                  }
                }
                return heard.stream().anyMatch(p -> p.startsWith("P|"));
              });
      byte[] stored =
          (byte[])
              query(
                      nodes,
                      "select value from pgjcache_entries where cache ="
                          + " 'secrets' and key = 's:k'")
                  .get(0)
                  .get(0);
      assertThat(new String(stored, StandardCharsets.ISO_8859_1)).contains(secret);
      String inline = Base64.getEncoder().encodeToString(stored);
      for (String payload : heard) {
        assertThat(payload).doesNotContain(secret).doesNotContain(inline);
      }
    }
  }

  @Test
  void aReplayedNotificationDoesNotResurrectARemovedKeyEvenOnANodeThatAttachedSince()
      throws Exception {
    CacheManager am = nodes.node("replay-a", fast(nodes, "replay-a"));
    MutableConfiguration<String, String> config = strings();
    Cache<String, String> a = am.createCache("replayed", config);
    String captured;
    try (Connection outsider = asOutsider()) {
      try (Statement st = outsider.createStatement()) {
        st.execute("listen " + CHANNEL);
      }
      a.put("k", "removed since");
      List<String> heard = new ArrayList<>();
      PGConnection pg = outsider.unwrap(PGConnection.class);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                PGNotification[] got = pg.getNotifications(100);
                if (got != null) {
                  for (PGNotification n : got) {
                    heard.add(n.getParameter());
                  }
                }
                return heard.stream().anyMatch(p -> p.startsWith("P|") && p.contains("replayed"));
              });
      captured =
          heard.stream()
              .filter(p -> p.startsWith("P|") && p.contains("replayed"))
              .findFirst()
              .orElseThrow();
      a.remove("k");

      CacheManager bm = nodes.node("replay-b", fast(nodes, "replay-b"));
      Cache<String, String> b = bm.createCache("replayed", config);
      assertThat(b.get("k")).isNull();
      notifyAs(outsider, captured);
      a.put("after", "the replay");
      await().atMost(WAIT).until(() -> "the replay".equals(b.get("after")));
      assertThat(b.get("k")).as("the replayed put of a removed key").isNull();
      assertThat(a.get("k")).isNull();
    }
  }
}
