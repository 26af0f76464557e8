package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheException;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;

class UnreachableDatabaseTest {

  private static Properties settings(int port) {
    Properties p = new Properties();
    p.setProperty("pgjcache.jdbc-url", "jdbc:postgresql://127.0.0.1:" + port + "/appdb");
    p.setProperty("pgjcache.user", "app");
    p.setProperty("pgjcache.password", "s3cret-pw");
    p.setProperty("pgjcache.connect-timeout", "1s");
    p.setProperty("pgjcache.shared-backend", "false");
    return p;
  }

  private static Throwable open(int port) {
    return catchThrowable(
        () ->
            Caching.getCachingProvider()
                .getCacheManager(
                    URI.create("pgjcache:unreachable-" + port),
                    UnreachableDatabaseTest.class.getClassLoader(),
                    settings(port)));
  }

  @Test
  void nobodyListeningFailsFastWithTheTargetAndWithoutThePassword() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> open(port));
    assertThat(failure)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("appdb")
        .hasMessageNotContaining("s3cret-pw");
  }

  @Test
  void aServerThatNeverAnswersFailsWithinTheConnectTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    held.add(silent.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      Throwable failure =
          assertTimeoutPreemptively(Duration.ofSeconds(30), () -> open(silent.getLocalPort()));
      assertThat(failure)
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("127.0.0.1:" + silent.getLocalPort())
          .hasMessageNotContaining("s3cret-pw");
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
