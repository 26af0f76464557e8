package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjcache.backend.postgres.PostgresBackend;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.pgjcache.support.Nodes;
import org.pgjcache.testkit.ExtraServer;

/**
 * The LISTEN connection against a PostgreSQL of the test's own with {@code ssl = on} and a
 * certificate for {@code localhost} from a CA made at test time; pgjdbc is asked the same questions
 * alongside, since one JDBC URL must work for both.
 */
class ListenTlsTest {

  private static final Duration CONNECT = Duration.ofSeconds(10);
  private static final Duration REQUEST = Duration.ofSeconds(10);
  private static final Duration DELIVERY = Duration.ofSeconds(30);

  @TempDir static Path pkiDir;
  private static TestPki pki;
  private static ExtraServer server;
  private static int port;

  private final List<ListenConnection> opened = new ArrayList<>();

  @BeforeAll
  static void startTlsServer() throws Exception {
    assumeTrue(
        TestPki.keytoolAvailable(),
        "no keytool in " + System.getProperty("java.home") + " to make test certificates with");
    pki = TestPki.create(pkiDir);
    try {
      server =
          ExtraServer.embedded()
              .file("server.crt", Files.readAllBytes(pki.serverCert))
              .file("server.key", Files.readAllBytes(pki.serverKey))
              .file("ca.crt", Files.readAllBytes(pki.caCert))
              .config("ssl = on")
              .config("ssl_cert_file = 'server.crt'")
              .config("ssl_key_file = 'server.key'")
              .config("ssl_ca_file = 'ca.crt'")
              .hba("hostssl all " + TestPki.CLIENT_ROLE + " 127.0.0.1/32 cert")
              .hba("host all " + TestPki.CLIENT_ROLE + " 127.0.0.1/32 reject")
              .start();
    } catch (IllegalStateException e) {
      abort("cannot start a TLS-enabled embedded PostgreSQL here: " + e.getMessage());
    }
    port = server.database().port();
    try (Connection c = DriverManager.getConnection(server.database().jdbcUrl());
        Statement st = c.createStatement()) {
      st.execute("create role " + TestPki.CLIENT_ROLE + " login");
    }
  }

  @AfterAll
  static void stopTlsServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeAll() {
    opened.forEach(ListenConnection::close);
  }

  @Test
  void verifyFullWithTheRightCaAndHostNameConnectsAndDelivers() throws Exception {
    String url = url("localhost", "postgres", "sslmode=verify-full&sslrootcert=" + pki.caCert);
    ListenTarget target = ListenTarget.fromJdbcUrl(url, null, null);
    assertThat(target.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    RecordingHandler handler = new RecordingHandler();
    ListenConnection conn = open(target, handler);
    assertThat(conn.isTls()).isTrue();
    String channel = "tls_" + unique();
    conn.listen(channel, REQUEST);

    // pgjdbc accepts the same URL, and sends over TLS what the LISTEN connection hears.
    try (Connection jdbc = DriverManager.getConnection(url)) {
      assertThat(sslInUse(jdbc, conn.backendPid())).isTrue();
      assertThat(sslInUse(jdbc, backendPid(jdbc))).isTrue();
      try (PreparedStatement ps = jdbc.prepareStatement("select pg_notify(?, ?)")) {
        ps.setString(1, channel);
        ps.setString(2, "verified");
        ps.execute();
      }
    }
    await().atMost(DELIVERY).until(() -> handler.payloads(channel).contains("verified"));
  }

  @Test
  void verifyFullRefusesAHostNameTheCertificateDoesNotName() {
    // The certificate names DNS:localhost only; 127.0.0.1 is the same server under another name.
    String url = url("127.0.0.1", "postgres", "sslmode=verify-full&sslrootcert=" + pki.caCert);
    assertThatThrownBy(
            () -> open(ListenTarget.fromJdbcUrl(url, null, null), new RecordingHandler()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("127.0.0.1:" + port + "/postgres")
        .hasMessageContaining("sslmode=verify-full")
        .hasMessageContaining("127.0.0.1 found")
        .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
        .satisfies(e -> assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class));
    assertThatThrownBy(() -> DriverManager.getConnection(url).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void verifyFullRefusesAServerCertificateFromAnotherCa() {
    String url = url("localhost", "postgres", "sslmode=verify-full&sslrootcert=" + pki.otherCaCert);
    assertThatThrownBy(
            () -> open(ListenTarget.fromJdbcUrl(url, null, null), new RecordingHandler()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sslmode=verify-full")
        .hasMessageContaining("trusted CAs: " + pki.otherCaCert)
        .hasMessageContaining("certification path");
    assertThatThrownBy(() -> DriverManager.getConnection(url).close())
        .isInstanceOf(SQLException.class);
  }

  @Test
  void verifyCaAcceptsAHostNameTheCertificateDoesNotNameButNotAnotherCa() throws Exception {
    String url = url("127.0.0.1", "postgres", "sslmode=verify-ca&sslrootcert=" + pki.caCert);
    ListenConnection conn = open(ListenTarget.fromJdbcUrl(url, null, null), new RecordingHandler());
    assertThat(conn.isTls()).isTrue();
    assertThat(conn.probe(REQUEST)).isTrue();
    try (Connection jdbc = DriverManager.getConnection(url)) {
      assertThat(sslInUse(jdbc, conn.backendPid())).isTrue();
    }

    String wrongCa =
        url("127.0.0.1", "postgres", "sslmode=verify-ca&sslrootcert=" + pki.otherCaCert);
    assertThatThrownBy(
            () -> open(ListenTarget.fromJdbcUrl(wrongCa, null, null), new RecordingHandler()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sslmode=verify-ca")
        .hasMessageContaining("certification path");
  }

  @Test
  void sslTrueMeansVerifyFull() throws Exception {
    String good = url("localhost", "postgres", "ssl=true&sslrootcert=" + pki.caCert);
    ListenTarget target = ListenTarget.fromJdbcUrl(good, null, null);
    assertThat(target.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(open(target, new RecordingHandler()).isTls()).isTrue();

    String wrongName = url("127.0.0.1", "postgres", "ssl=true&sslrootcert=" + pki.caCert);
    assertThatThrownBy(
            () -> open(ListenTarget.fromJdbcUrl(wrongName, null, null), new RecordingHandler()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sslmode=verify-full");
    assertThatThrownBy(() -> DriverManager.getConnection(wrongName).close())
        .isInstanceOf(SQLException.class);
  }

  @Test
  void requireStillEncryptsWithoutVerifying() throws Exception {
    String url = url("127.0.0.1", "postgres", "sslmode=require&sslrootcert=" + pki.otherCaCert);
    ListenConnection conn = open(ListenTarget.fromJdbcUrl(url, null, null), new RecordingHandler());
    assertThat(conn.isTls()).isTrue();
    assertThat(conn.probe(REQUEST)).isTrue();
  }

  @Test
  void rootCrtInPgjdbcsDirectoryIsTheDefaultThenTheJvmTrustStore(@TempDir Path home)
      throws Exception {
    ListenTarget target =
        ListenTarget.fromJdbcUrl(url("localhost", "postgres", "sslmode=verify-full"), null, null);

    assertThatThrownBy(() -> Transport.connect(target, deadline(), home).close())
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("trusted CAs: the JVM's default trust store");

    Files.copy(pki.caCert, home.resolve("root.crt"));
    Transport transport = Transport.connect(target, deadline(), home);
    try {
      assertThat(transport.isTls()).isTrue();
    } finally {
      transport.close();
    }

    // sslrootcert wins over root.crt.
    ListenTarget other =
        ListenTarget.fromJdbcUrl(
            url("localhost", "postgres", "sslmode=verify-full&sslrootcert=" + pki.otherCaCert),
            null,
            null);
    assertThatThrownBy(() -> Transport.connect(other, deadline(), home).close())
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining(pki.otherCaCert.toString());
  }

  @Test
  void aMissingRootCertificateFileIsNamed() {
    Path missing = pkiDir.resolve("no-such-ca.crt");
    String url = url("localhost", "postgres", "sslmode=verify-ca&sslrootcert=" + missing);
    assertThatThrownBy(
            () -> open(ListenTarget.fromJdbcUrl(url, null, null), new RecordingHandler()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sslrootcert")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void clientCertificateInEveryKeyFormatLogsInWithCertAuthentication() throws Exception {
    String trust = "sslmode=verify-full&sslrootcert=" + pki.caCert + "&sslcert=" + pki.clientCert;
    List<String> keys =
        List.of(
            "sslkey=" + pki.clientKeyDer,
            "sslkey=" + pki.clientKeyPem,
            "sslkey=" + pki.clientKeyEncrypted + "&sslpassword=" + encode(TestPki.KEY_PASSWORD),
            "sslkey=" + pki.clientP12 + "&sslpassword=" + encode(TestPki.KEY_PASSWORD));
    try (Connection admin =
        DriverManager.getConnection(
            url("localhost", "postgres", "sslmode=verify-full&sslrootcert=" + pki.caCert))) {
      for (String key : keys) {
        String url = certUserUrl(trust + "&" + key);
        ListenConnection conn =
            open(ListenTarget.fromJdbcUrl(url, null, null), new RecordingHandler());
        assertThat(clientDn(admin, conn.backendPid()))
            .as(key)
            .isEqualTo("/CN=" + TestPki.CLIENT_ROLE);
        conn.close();
      }
      // pgjdbc logs in with the same URL (its default key format, PKCS#8 DER).
      try (Connection jdbc =
          DriverManager.getConnection(certUserUrl(trust + "&sslkey=" + pki.clientKeyDer))) {
        assertThat(clientDn(admin, backendPid(jdbc))).isEqualTo("/CN=" + TestPki.CLIENT_ROLE);
      }
    }
  }

  @Test
  void clientCertificateProblemsAreNamed() {
    String trust = "sslmode=verify-full&sslrootcert=" + pki.caCert + "&sslcert=" + pki.clientCert;
    assertThatThrownBy(() -> open(certUserUrl(trust + "&sslkey=" + pki.clientKeyEncrypted)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(pki.clientKeyEncrypted.toString())
        .hasMessageContaining("give its password as sslpassword");
    assertThatThrownBy(
            () ->
                open(
                    certUserUrl(
                        trust + "&sslkey=" + pki.clientKeyEncrypted + "&sslpassword=wrong")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("wrong sslpassword");
    assertThatThrownBy(
            () -> open(certUserUrl(trust + "&sslkey=" + pki.clientP12 + "&sslpassword=wrong")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(pki.clientP12.toString());
    Path missing = pkiDir.resolve("missing.pk8");
    assertThatThrownBy(() -> open(certUserUrl(trust + "&sslkey=" + missing)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sslkey")
        .hasMessageContaining(missing.toString());
    // No certificate at all: the server's pg_hba.conf rule demands one.
    assertThatThrownBy(
            () ->
                open(
                    certUserUrl(
                        "sslmode=verify-full&sslrootcert=" + pki.caCert + "&sslcert=&sslkey=")))
        .isInstanceOf(ServerErrorException.class)
        .hasMessageContaining("certificate");
  }

  @Test
  void clientCertificateDefaultsToPgjdbcsFilesWhenTheyExist(@TempDir Path home) throws Exception {
    assertThat(ClientCertificate.load(TlsOptions.DEFAULTS, home)).isEmpty();

    Files.copy(pki.clientCert, home.resolve("postgresql.crt"));
    // A default certificate without its default key: nothing to present, as in pgjdbc.
    assertThat(ClientCertificate.load(TlsOptions.DEFAULTS, home)).isEmpty();
    // But a certificate the URL names needs its key.
    TlsOptions namedCert = new TlsOptions(null, pki.clientCert.toString(), null, null, null);
    assertThatThrownBy(() -> ClientCertificate.load(namedCert, home))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(home.resolve("postgresql.pk8").toString());

    Files.copy(pki.clientKeyDer, home.resolve("postgresql.pk8"));
    ClientCertificate loaded = ClientCertificate.load(TlsOptions.DEFAULTS, home).orElseThrow();
    assertThat(loaded.getCertificateChain("user")[0].getSubjectX500Principal().getName())
        .isEqualTo("CN=" + TestPki.CLIENT_ROLE);
    assertThat(loaded.getPrivateKey("user")).isNotNull();
    // Empty sslcert/sslkey: none, whatever the directory holds.
    assertThat(ClientCertificate.load(new TlsOptions(null, "", "", null, null), home)).isEmpty();
    assertThatThrownBy(
            () ->
                ClientCertificate.load(
                    new TlsOptions(null, pki.clientCert.toString(), "", null, null), home))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("sslcert and sslkey go together");
  }

  @Test
  void aCacheManagerOpensWithVerifyFullAndAnotherNodeHearsItsPut() throws Exception {
    String database = server.database().createDatabase("tls_nodes");
    String url =
        database.replace("//127.0.0.1:", "//localhost:")
            + "&sslmode=verify-full&sslrootcert="
            + pki.caCert;
    Heard.events.clear();
    try (Nodes nodes = new Nodes(url, server.database().user(), server.database().password())) {
      Properties properties = nodes.properties();
      assertThat(properties.getProperty("pgjcache.jdbc-url")).contains("sslmode=verify-full");
      CacheManager writer = nodes.node("writer", properties);
      CacheManager hearer = nodes.node("hearer", properties);
      Cache<String, String> written = writer.createCache("tls", config());
      Cache<String, String> heard = hearer.getCache("tls", String.class, String.class);
      if (heard == null) {
        heard = hearer.createCache("tls", config());
      }
      heard.registerCacheEntryListener(
          new MutableCacheEntryListenerConfiguration<>(
              FactoryBuilder.factoryOf(Heard.class), null, true, false));

      written.put("greeting", "over verified TLS");

      await().atMost(DELIVERY).until(() -> Heard.events.contains("greeting=over verified TLS"));
      assertThat(heard.get("greeting")).isEqualTo("over verified TLS");
      try (Connection jdbc = DriverManager.getConnection(url, server.database().user(), null)) {
        for (CacheManager manager : List.of(writer, hearer)) {
          int listener =
              ((PostgresBackend) manager.unwrap(PgCacheManagerImpl.class).backend()).listenerPid();
          assertThat(listener).isPositive();
          assertThat(sslInUse(jdbc, listener))
              .as("LISTEN connection of %s uses TLS", manager.getURI())
              .isTrue();
        }
      }
    }
  }

  /**
   * Records created events a node raised, for {@link
   * #aCacheManagerOpensWithVerifyFullAndAnotherNodeHearsItsPut}.
   */
  public static final class Heard implements CacheEntryCreatedListener<String, String> {
    static final Queue<String> events = new ConcurrentLinkedQueue<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> created) {
      created.forEach(e -> events.add(e.getKey() + "=" + e.getValue()));
    }
  }

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private ListenConnection open(ListenTarget target, NotificationHandler handler)
      throws IOException {
    ListenConnection conn = ListenConnection.open(target, CONNECT, handler);
    opened.add(conn);
    return conn;
  }

  private ListenConnection open(String url) throws IOException {
    return open(ListenTarget.fromJdbcUrl(url, null, null), new RecordingHandler());
  }

  private static String url(String host, String database, String parameters) {
    return "jdbc:postgresql://"
        + host
        + ":"
        + port
        + "/"
        + database
        + "?user="
        + server.database().user()
        + "&connectTimeout=10&"
        + parameters;
  }

  private static String certUserUrl(String parameters) {
    return "jdbc:postgresql://localhost:"
        + port
        + "/postgres?user="
        + TestPki.CLIENT_ROLE
        + "&connectTimeout=10&"
        + parameters;
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static long deadline() {
    return System.nanoTime() + CONNECT.toNanos();
  }

  private static String unique() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static int backendPid(Connection jdbc) throws SQLException {
    try (Statement st = jdbc.createStatement();
        ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean sslInUse(Connection jdbc, int pid) throws SQLException {
    return sslColumn(jdbc, pid, "ssl").equals("true");
  }

  private static String clientDn(Connection jdbc, int pid) throws SQLException {
    return sslColumn(jdbc, pid, "client_dn");
  }

  private static String sslColumn(Connection jdbc, int pid, String column) throws SQLException {
    String sql = "select " + column + "::text from pg_stat_ssl where pid = ?";
    try (PreparedStatement ps = jdbc.prepareStatement(sql)) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("pg_stat_ssl row for pid %d", pid).isTrue();
        return String.valueOf(rs.getString(1));
      }
    }
  }
}
