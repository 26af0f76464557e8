package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ListenHostsTest {

  @Test
  void keepsEveryHostInOrderWithTheSameDatabaseAndCredentials() {
    ListenHosts hosts =
        ListenHosts.fromJdbcUrl(
            "jdbc:postgresql://a:5433,[::1]:5434,c/db?user=u&password=pw&sslmode=require&targetServerType=primary",
            null,
            null);
    assertThat(hosts.targets()).extracting(ListenTarget::host).containsExactly("a", "::1", "c");
    assertThat(hosts.targets()).extracting(ListenTarget::port).containsExactly(5433, 5434, 5432);
    assertThat(hosts.targets())
        .allSatisfy(
            t -> {
              assertThat(t.database()).isEqualTo("db");
              assertThat(t.user()).isEqualTo("u");
              assertThat(t.password()).isEqualTo("pw");
              assertThat(t.sslMode()).isEqualTo(SslMode.REQUIRE);
            });
    assertThat(hosts.loadBalance()).isFalse();
    assertThat(hosts.describe()).isEqualTo("a:5433,[::1]:5434,c:5432/db");
  }

  @Test
  void oneHostIsDescribedAsBefore() {
    ListenHosts hosts = ListenHosts.fromJdbcUrl("jdbc:postgresql://h:6000/db", "u", null);
    assertThat(hosts.targets()).hasSize(1);
    assertThat(hosts.describe()).isEqualTo("h:6000/db");
  }

  @Test
  void loadBalanceHostsShufflesTheOrder() {
    assertThat(
            ListenHosts.fromJdbcUrl("jdbc:postgresql://a,b/db?loadBalanceHosts=true", "u", null)
                .loadBalance())
        .isTrue();
  }

  @Test
  void everyPrimaryFlavourIsAccepted() {
    for (String type : new String[] {"any", "primary", "master", "preferPrimary", "PRIMARY"}) {
      assertThat(
              ListenHosts.fromJdbcUrl(
                      "jdbc:postgresql://a,b/db?targetServerType=" + type, "u", null)
                  .targets())
          .hasSize(2);
    }
  }

  @Test
  void aStandbyAsTargetIsRefusedWithTheReason() {
    for (String type : new String[] {"secondary", "slave", "preferSecondary", "preferSlave"}) {
      assertThatThrownBy(
              () ->
                  ListenHosts.fromJdbcUrl(
                      "jdbc:postgresql://a,b/db?password=secret&targetServerType=" + type,
                      "u",
                      null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("targetServerType=" + type)
          .hasMessageContaining("read-only standby")
          .hasMessageNotContaining("secret");
    }
    assertThatThrownBy(
            () ->
                ListenHosts.fromJdbcUrl(
                    "jdbc:postgresql://a/db?targetServerType=leader", "u", null))
        .hasMessageContaining("unknown targetServerType 'leader'");
  }

  @Test
  void applicationNameReachesEveryHost() {
    ListenHosts hosts =
        ListenHosts.fromJdbcUrl("jdbc:postgresql://a,b/db", "u", null).withApplicationName("n");
    assertThat(hosts.targets()).extracting(ListenTarget::applicationName).containsOnly("n");
  }

  @Test
  void whenNoHostAnswersTheErrorNamesEachOne() throws IOException {
    int closedA;
    int closedB;
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedA = a.getLocalPort();
      closedB = b.getLocalPort();
    }
    ListenHosts hosts =
        ListenHosts.fromJdbcUrl(
            "jdbc:postgresql://127.0.0.1:" + closedA + ",127.0.0.1:" + closedB + "/db", "u", null);
    assertThatThrownBy(
            () ->
                hosts.open(
                    Duration.ofSeconds(2),
                    new NotificationHandler() {
                      @Override
                      public void onNotification(int backendPid, String channel, String payload) {}

                      @Override
                      public void onClosed(Throwable cause) {}
                    }))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no primary to LISTEN on among")
        .hasMessageContaining("127.0.0.1:" + closedA + "/db")
        .hasMessageContaining("127.0.0.1:" + closedB + "/db");
  }
}
