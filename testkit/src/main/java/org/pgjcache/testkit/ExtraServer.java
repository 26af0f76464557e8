package org.pgjcache.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server of one test's own, beside the shared {@link TestDatabase}, for the
 * few tests that need server settings every other test must not get: TLS with a certificate made up
 * by the test, say, or client-certificate authentication. It costs a cluster of its own (a second
 * or two), so use it sparingly.
 *
 * <p>It is always an embedded server, whatever {@link TestDatabase#get()} chose: only a server the
 * testkit starts itself can be given files and configuration. Like the shared embedded server it
 * listens on a free port of {@code 127.0.0.1} only, runs as an unprivileged user when the JVM is
 * root, and lets the superuser {@code postgres} in without a password unless the test's own {@code
 * pg_hba.conf} lines say otherwise.
 *
 * <pre>{@code
 * try (ExtraServer tls = ExtraServer.embedded()
 *         .file("server.crt", certificatePem).file("server.key", keyPem)
 *         .config("ssl = on").config("ssl_cert_file = 'server.crt'").config("ssl_key_file = 'server.key'")
 *         .start()) {
 *     String url = tls.database().createDatabase("tls");
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the server and deletes its files; a JVM shutdown hook does so for a
 * server a test forgot to close.
 */
public final class ExtraServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExtraServer.class);

  private final EmbeddedServer server;
  private final TestDatabase database;
  private final Thread shutdownHook;

  private ExtraServer(EmbeddedServer server) {
    this.server = server;
    this.database = new TestDatabase(server);
    this.shutdownHook = new Thread(server::close, "pgjcache-testkit-extra-shutdown");
  }

  /** Starts describing a new embedded server. */
  public static Builder embedded() {
    return new Builder();
  }

  /**
   * The server, with the usual API: {@link TestDatabase#createDatabase(String)}, {@link
   * TestDatabase#jdbcUrl()}, {@link TestDatabase#stop()} and {@link TestDatabase#start()}.
   */
  public TestDatabase database() {
    return database;
  }

  /**
   * A streaming standby of this server, itself an extra server to close. This server is stopped for
   * a moment (a fast shutdown) while its files are copied, so take it before the test connects
   * anything. The standby demands no synchronous standby of its own; to make this server wait for
   * it, set {@code synchronous_standby_names} here afterwards ({@code alter system} and {@code
   * pg_reload_conf()}).
   */
  public ExtraServer standby() {
    long started = System.nanoTime();
    EmbeddedServer copy;
    try {
      copy = server.standby();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting a standby of " + this, e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not start a standby of " + this + ": " + e.getMessage(), e);
    }
    ExtraServer extra = new ExtraServer(copy);
    Runtime.getRuntime().addShutdownHook(extra.shutdownHook);
    LOG.info(
        "Standby of {} ready in {} ms: {}", this, (System.nanoTime() - started) / 1_000_000, extra);
    return extra;
  }

  /** Promotes this standby ({@link #standby()}) to a primary; returns once it accepts writes. */
  public void promote() {
    server.promote();
  }

  /** Stops the server and deletes its directory; idempotent. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      LOG.debug("The JVM is shutting down; its hook closes {}", server);
    }
    server.close();
  }

  @Override
  public String toString() {
    return database.toString();
  }

  /** What to add to the cluster before it first starts; each call adds, nothing is replaced. */
  public static final class Builder {
    private final List<String> configLines = new ArrayList<>();
    private final List<String> hbaLines = new ArrayList<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    private Builder() {}

    /**
     * A line for {@code postgresql.conf}, such as {@code ssl = on}; later lines win over earlier
     * settings.
     */
    public Builder config(String line) {
      configLines.add(Objects.requireNonNull(line, "line"));
      return this;
    }

    /**
     * A rule for {@code pg_hba.conf}, such as {@code hostssl all all 127.0.0.1/32 cert}. The test's
     * rules come before the testkit's password rules for the roles named with {@link
     * TestDatabase#SCRAM_ROLE_PREFIX} etc. and before initdb's (which trust every local
     * connection), in the order given, so the first that matches wins.
     */
    public Builder hba(String line) {
      hbaLines.add(Objects.requireNonNull(line, "line"));
      return this;
    }

    /**
     * A file in the data directory, which is where relative paths in {@code postgresql.conf} point;
     * it is made readable by the server's user only, as PostgreSQL demands of a private key.
     *
     * @param name a plain file name, such as {@code server.key}
     */
    public Builder file(String name, byte[] content) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw new IllegalArgumentException("Not a plain file name: " + name);
      }
      if (files.putIfAbsent(name, content.clone()) != null) {
        throw new IllegalArgumentException("Already added: " + name);
      }
      return this;
    }

    /** {@link #file(String, byte[])} with the text in UTF-8. */
    public Builder file(String name, String content) {
      return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates the cluster, applies what was added and starts it; waits until it accepts
     * connections.
     *
     * @throws IllegalStateException if the server cannot be created or does not start (with the
     *     server log's last lines, which say what PostgreSQL disliked)
     */
    public ExtraServer start() {
      long started = System.nanoTime();
      EmbeddedServer server;
      try {
        server =
            EmbeddedServer.create(new EmbeddedServer.Customization(configLines, hbaLines, files));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while starting an extra embedded server", e);
      } catch (Exception e) {
        throw new IllegalStateException(
            "Could not start an extra embedded server: " + e.getMessage(), e);
      }
      ExtraServer extra = new ExtraServer(server);
      Runtime.getRuntime().addShutdownHook(extra.shutdownHook);
      LOG.info(
          "Extra embedded server ready in {} ms: {}",
          (System.nanoTime() - started) / 1_000_000,
          extra);
      return extra;
    }
  }
}
