package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.CuttableProxy;

class ListenConnectionTest {

  private static final Duration CONNECT = Duration.ofSeconds(10);
  private static final Duration REQUEST = Duration.ofSeconds(10);
  private static final Duration DELIVERY = Duration.ofSeconds(30);

  private Connection jdbc;
  private final List<ListenConnection> opened = new ArrayList<>();

  @BeforeEach
  void connect() throws SQLException {
    jdbc = TestDb.jdbc();
  }

  @AfterEach
  void closeAll() throws SQLException {
    opened.forEach(ListenConnection::close);
    jdbc.close();
  }

  @Test
  void deliversChannelPayloadAndSenderPidInOrder() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(handler);
    String channel = "Mixed \"Case\" " + unique();
    conn.listen(channel, REQUEST);

    String nonAscii = "Grüße, 世界 🚀 ü";
    String big = "é".repeat(3999) + "x";
    assertThat(big.getBytes(StandardCharsets.UTF_8)).hasSize(7_999);
    List<String> sent = List.of("first", nonAscii, "", big, "last");
    for (String payload : sent) {
      notify(channel, payload);
    }

    await().atMost(DELIVERY).until(() -> handler.count() == sent.size());
    assertThat(handler.payloads(channel)).containsExactlyElementsOf(sent);
    assertThat(handler.received()).allSatisfy(r -> assertThat(r.pid()).isEqualTo(senderPid()));
    assertThat(handler.deliveringThread.get().getName())
        .startsWith(
            "pgjcache-listen-" + TestDb.target().host() + ":" + TestDb.target().port() + "-");
    assertThat(handler.deliveringThread.get().isDaemon()).isTrue();
  }

  @Test
  void fiveThousandBackToBackCommitsAllArriveInOrder() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(handler);
    String channel = "burst_" + unique();
    conn.listen(channel, REQUEST);

    try (PreparedStatement ps = jdbc.prepareStatement("select pg_notify(?, ?)")) {
      for (int i = 0; i < 5_000; i++) {
        ps.setString(1, channel);
        ps.setString(2, Integer.toString(i));
        ps.executeQuery().close();
      }
    }

    await().atMost(DELIVERY).until(() -> handler.count() >= 5_000);
    assertThat(handler.payloads(channel)).containsExactlyElementsOf(numbers(5_000));
    assertThat(conn.probe(REQUEST)).isTrue();
    assertThat(handler.count()).isEqualTo(5_000);
  }

  @Test
  void fiveThousandFromOneTransactionAllArriveInOrder() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(handler);
    String channel = "tx_" + unique();
    conn.listen(channel, REQUEST);

    try (PreparedStatement ps =
        jdbc.prepareStatement(
            "select count(pg_notify(?, i::text)) from generate_series(0, 4999) i")) {
      ps.setString(1, channel);
      ps.executeQuery().close();
    }

    await().atMost(DELIVERY).until(() -> handler.count() >= 5_000);
    assertThat(handler.payloads(channel)).containsExactlyElementsOf(numbers(5_000));
  }

  @Test
  void aQueryAnswersItsFirstValueAndAPrimaryIsNoStandby() throws Exception {
    ListenConnection conn = open(new RecordingHandler());
    assertThat(conn.execute("select 42, 'x' union all select 7, 'y'", CONNECT)).isEqualTo("42");
    assertThat(conn.execute("select null::int", CONNECT)).isNull();
    assertThat(conn.execute("select 'after a null'", CONNECT)).isEqualTo("after a null");
    assertThat(conn.execute("select pg_catalog.pg_is_in_recovery()", CONNECT)).isEqualTo("f");
    assertThat(conn.inHotStandby(CONNECT)).isFalse();
  }

  @Test
  void unlistenStopsDelivery() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(handler);
    String a = "a_" + unique();
    String b = "b_" + unique();
    conn.listen(a, REQUEST);
    conn.listen(b, REQUEST);
    notify(a, "before");
    conn.unlisten(a, REQUEST);
    notify(a, "after");
    notify(b, "marker");

    // Notifications from one session arrive in commit order, so once the marker is here "after"
    // would be too.
    await().atMost(DELIVERY).until(() -> handler.payloads(b).contains("marker"));
    assertThat(handler.payloads(a)).containsExactly("before");
  }

  @Test
  void handlerExceptionIsLoggedAndDeliveryGoesOn() throws Exception {
    RecordingHandler handler =
        new RecordingHandler() {
          @Override
          public void onNotification(int pid, String channel, String payload) {
            super.onNotification(pid, channel, payload);
            if (payload.equals("boom")) {
              throw new IllegalStateException("handler failure provoked by the test");
            }
          }
        };
    ListenConnection conn = open(handler);
    String channel = "boom_" + unique();
    conn.listen(channel, REQUEST);
    notify(channel, "boom");
    notify(channel, "still here");

    await().atMost(DELIVERY).until(() -> handler.count() == 2);
    assertThat(handler.payloads(channel)).containsExactly("boom", "still here");
    assertThat(conn.isOpen()).isTrue();
    assertThat(handler.closedCalls).hasValue(0);
  }

  @Test
  void terminatedBackendEndsTheConnectionOnce() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection[] holder = new ListenConnection[1];
    Set<Thread> readers = newListenThreads(() -> holder[0] = open(handler));
    assertThat(readers).hasSize(1);
    ListenConnection conn = holder[0];
    try (PreparedStatement ps = jdbc.prepareStatement("select pg_terminate_backend(?)")) {
      ps.setInt(1, conn.backendPid());
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isTrue();
      }
    }

    await().atMost(DELIVERY).until(() -> handler.closedCalls.get() == 1);
    assertThat(handler.closeCause.get())
        .isInstanceOf(ServerErrorException.class)
        .hasMessageContaining("57P01")
        .hasMessageContaining(TestDb.target().address());
    assertThat(((ServerErrorException) handler.closeCause.get()).sqlState()).isEqualTo("57P01");
    assertThat(conn.isOpen()).isFalse();
    assertThat(conn.probe(REQUEST)).isFalse();
    assertThatThrownBy(() -> conn.listen("x", REQUEST))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
    conn.close();
    assertThat(handler.closedCalls).hasValue(1);
    await().atMost(DELIVERY).until(() -> readers.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void probeAnswersOnALiveConnectionFromManyThreads() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(handler);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(() -> conn.probe(REQUEST)));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(conn.isOpen()).isTrue();
  }

  @Test
  void concurrentListensAllTakeEffect() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(handler);
    String prefix = "conc_" + unique() + "_";
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String channel = prefix + i;
        results.add(
            pool.submit(
                () -> {
                  conn.listen(channel, REQUEST);
                  return null;
                }));
      }
      for (Future<?> f : results) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < 32; i++) {
      notify(prefix + i, "p" + i);
    }
    await().atMost(DELIVERY).until(() -> handler.count() == 32);
    assertThat(handler.received().stream().map(RecordingHandler.Received::channel))
        .containsExactlyElementsOf(IntStream.range(0, 32).mapToObj(i -> prefix + i).toList());
  }

  @Test
  void serverErrorFailsTheRequestButNotTheConnection() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(handler);
    assertThatThrownBy(() -> conn.execute("SELEC 1", REQUEST))
        .isInstanceOf(ServerErrorException.class)
        .hasMessageContaining("42601")
        .satisfies(e -> assertThat(((ServerErrorException) e).sqlState()).isEqualTo("42601"));
    assertThat(conn.probe(REQUEST)).isTrue();
    String channel = "after_error_" + unique();
    conn.listen(channel, REQUEST);
    notify(channel, "ok");
    await().atMost(DELIVERY).until(() -> handler.payloads(channel).contains("ok"));
  }

  @Test
  void closeIsOrderlyIdempotentAndLeavesNoThread() throws Exception {
    RecordingHandler handler = new RecordingHandler();
    ListenConnection[] holder = new ListenConnection[1];
    Set<Thread> readers = newListenThreads(() -> holder[0] = open(handler));
    assertThat(readers).hasSize(1);
    ListenConnection conn = holder[0];
    assertThat(conn.probe(REQUEST)).isTrue();

    conn.close();
    assertThat(liveListenThreads()).doesNotContainAnyElementsOf(readers);
    assertThat(handler.closedCalls).hasValue(1);
    assertThat(handler.closeCause.get()).isNull();
    assertThat(conn.isOpen()).isFalse();

    conn.close();
    assertThat(handler.closedCalls).hasValue(1);
    assertThat(conn.probe(REQUEST)).isFalse();
    assertThatThrownBy(() -> conn.listen("x", REQUEST)).isInstanceOf(IOException.class);
  }

  @Test
  void closeFromInsideTheHandlerDoesNotDeadlock() throws Exception {
    ListenConnection[] holder = new ListenConnection[1];
    RecordingHandler handler =
        new RecordingHandler() {
          @Override
          public void onNotification(int pid, String channel, String payload) {
            super.onNotification(pid, channel, payload);
            holder[0].close();
          }
        };
    Set<Thread> readers = newListenThreads(() -> holder[0] = open(handler));
    String channel = "selfclose_" + unique();
    holder[0].listen(channel, REQUEST);
    notify(channel, "bye");
    await().atMost(DELIVERY).until(() -> handler.closedCalls.get() == 1);
    assertThat(handler.closeCause.get()).isNull();
    await().atMost(DELIVERY).until(() -> readers.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void requestsFromInsideTheHandlerFailAtOnceInsteadOfWaitingOnThemselves() throws Exception {
    List<Throwable> thrown = new java.util.concurrent.CopyOnWriteArrayList<>();
    ListenConnection[] holder = new ListenConnection[1];
    RecordingHandler handler =
        new RecordingHandler() {
          @Override
          public void onNotification(int pid, String channel, String payload) {
            try {
              holder[0].listen("other", REQUEST);
            } catch (IOException | RuntimeException e) {
              thrown.add(e);
            }
            try {
              holder[0].probe(REQUEST);
            } catch (RuntimeException e) {
              thrown.add(e);
            }
            super.onNotification(pid, channel, payload);
          }
        };
    holder[0] = open(handler);
    String channel = "reentrant_" + unique();
    holder[0].listen(channel, REQUEST);
    notify(channel, "x");
    await().atMost(DELIVERY).until(() -> handler.count() == 1);
    assertThat(thrown)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class));
    assertThat(holder[0].probe(REQUEST)).isTrue();
  }

  @Test
  void refusedConnectionFailsFastNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ListenTarget t = new ListenTarget("127.0.0.1", port, "db", "u", null, SslMode.PREFER, null);
    assertThatThrownBy(
            () -> ListenConnection.open(t, Duration.ofSeconds(30), new RecordingHandler()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("127.0.0.1:" + port + "/db")
        .hasMessageContaining("ConnectException");
  }

  @Test
  void wrongDatabaseFailsFastNamingIt() {
    ListenTarget t = TestDb.target();
    String db = "no_such_db_" + unique();
    ListenTarget wrong =
        new ListenTarget(t.host(), t.port(), db, t.user(), t.password(), t.sslMode(), null);
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> ListenConnection.open(wrong, Duration.ofSeconds(30), new RecordingHandler()))
        .isInstanceOf(ServerErrorException.class)
        .hasMessageContaining(db)
        .hasMessageContaining(t.host() + ":" + t.port() + "/" + db)
        .hasMessageContaining("3D000")
        .satisfies(
            e -> {
              if (t.password() != null && !t.password().isEmpty()) {
                assertThat(e.getMessage()).doesNotContain(t.password());
              }
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void openIsBoundedByTheConnectTimeoutWhenTheServerIsSilent() throws Exception {
    // The kernel completes the TCP handshake from the backlog; nobody ever answers.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      ListenTarget t =
          new ListenTarget(
              InetAddress.getLoopbackAddress().getHostAddress(),
              silent.getLocalPort(),
              "db",
              "u",
              null,
              SslMode.PREFER,
              null);
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> ListenConnection.open(t, Duration.ofMillis(300), new RecordingHandler()))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("within 300 ms")
          .hasMessageContaining(":" + silent.getLocalPort() + "/db");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took)
          .isGreaterThanOrEqualTo(Duration.ofMillis(250))
          .isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void probeDetectsACutNetworkAndCloses() throws Exception {
    ListenTarget t = TestDb.target();
    try (CuttableProxy proxy = new CuttableProxy(t.host(), t.port())) {
      ListenTarget viaProxy =
          new ListenTarget(
              InetAddress.getLoopbackAddress().getHostAddress(),
              proxy.port(),
              t.database(),
              t.user(),
              t.password(),
              SslMode.DISABLE,
              "pgjcache-listen-test");
      RecordingHandler handler = new RecordingHandler();
      ListenConnection conn = open(viaProxy, handler);
      assertThat(conn.probe(REQUEST)).isTrue();

      proxy.cut();
      long start = System.nanoTime();
      assertThat(conn.probe(Duration.ofMillis(300))).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(conn.isOpen()).isFalse();
      await().atMost(DELIVERY).until(() -> handler.closedCalls.get() == 1);
      assertThat(handler.closeCause.get())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("300 ms");
      conn.close();
      assertThat(handler.closedCalls).hasValue(1);
    }
  }

  @Test
  void tlsAsTheServerAllows() throws Exception {
    boolean serverSsl;
    try (Statement st = jdbc.createStatement();
        ResultSet rs = st.executeQuery("show ssl")) {
      rs.next();
      serverSsl = rs.getString(1).equals("on");
    }
    ListenTarget t = TestDb.target();
    ListenTarget prefer =
        new ListenTarget(
            t.host(), t.port(), t.database(), t.user(), t.password(), SslMode.PREFER, null);
    ListenTarget require =
        new ListenTarget(
            t.host(), t.port(), t.database(), t.user(), t.password(), SslMode.REQUIRE, null);
    ListenTarget disable =
        new ListenTarget(
            t.host(), t.port(), t.database(), t.user(), t.password(), SslMode.DISABLE, null);

    ListenConnection plain = open(disable, new RecordingHandler());
    assertThat(plain.isTls()).isFalse();
    assertThat(sslInUse(plain.backendPid())).isFalse();

    ListenConnection preferred = open(prefer, new RecordingHandler());
    assertThat(preferred.isTls()).isEqualTo(serverSsl);
    assertThat(sslInUse(preferred.backendPid())).isEqualTo(serverSsl);
    assertThat(preferred.probe(REQUEST)).isTrue();

    if (serverSsl) {
      RecordingHandler handler = new RecordingHandler();
      ListenConnection required = open(require, handler);
      assertThat(sslInUse(required.backendPid())).isTrue();
      String channel = "tls_" + unique();
      required.listen(channel, REQUEST);
      notify(channel, "über TLS");
      await().atMost(DELIVERY).until(() -> handler.payloads(channel).contains("über TLS"));
      Set<Thread> before = liveListenThreads();
      required.close();
      assertThat(handler.closeCause.get()).isNull();
      assertThat(liveListenThreads()).hasSizeLessThan(before.size());
    } else {
      assertThatThrownBy(() -> ListenConnection.open(require, CONNECT, new RecordingHandler()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("does not support SSL")
          .hasMessageContaining(t.address());
      for (SslMode verifying : List.of(SslMode.VERIFY_CA, SslMode.VERIFY_FULL)) {
        ListenTarget strict =
            new ListenTarget(
                t.host(), t.port(), t.database(), t.user(), t.password(), verifying, null);
        assertThatThrownBy(() -> ListenConnection.open(strict, CONNECT, new RecordingHandler()))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("does not support SSL, but sslmode is " + verifying.urlName());
      }
    }
  }

  @Test
  void channelNamesAreValidatedAndQuoted() {
    assertThat(ListenConnection.quoteChannel("plain")).isEqualTo("\"plain\"");
    assertThat(ListenConnection.quoteChannel("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(ListenConnection.quoteChannel("x".repeat(63))).hasSize(65);
    assertThatThrownBy(() -> ListenConnection.quoteChannel("x".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListenConnection.quoteChannel(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListenConnection.quoteChannel("a\0b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private ListenConnection open(NotificationHandler handler) throws IOException {
    return open(TestDb.target(), handler);
  }

  private ListenConnection open(ListenTarget target, NotificationHandler handler)
      throws IOException {
    ListenConnection conn = ListenConnection.open(target, CONNECT, handler);
    opened.add(conn);
    return conn;
  }

  private void notify(String channel, String payload) throws SQLException {
    try (PreparedStatement ps = jdbc.prepareStatement("select pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.executeQuery().close();
    }
  }

  private int senderPid() throws SQLException {
    try (Statement st = jdbc.createStatement();
        ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private boolean sslInUse(int pid) throws SQLException {
    try (PreparedStatement ps =
        jdbc.prepareStatement("select ssl from pg_stat_ssl where pid = ?")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("pg_stat_ssl row for pid %d", pid).isTrue();
        return rs.getBoolean(1);
      }
    }
  }

  interface IoAction {
    void run() throws Exception;
  }

  /** The reader threads that {@code action} started. */
  static Set<Thread> newListenThreads(IoAction action) throws Exception {
    Set<Thread> before = liveListenThreads();
    action.run();
    Set<Thread> after = liveListenThreads();
    after.removeAll(before);
    return after;
  }

  static Set<Thread> liveListenThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("pgjcache-listen-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  private static List<String> numbers(int n) {
    return IntStream.range(0, n).mapToObj(Integer::toString).toList();
  }

  static String unique() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
