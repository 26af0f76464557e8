package org.pgjcache.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real PgBouncer in transaction pooling mode in front of the test database, run from the binary
 * the OS packages install, so that tests see what users with PgBouncer see (dropped notifications,
 * shared server sessions, no server-side prepared statements) rather than a stand-in's idea of it.
 *
 * <p>It listens on a free port of 127.0.0.1, trusts the user it is given (PgBouncer's {@code trust}
 * still wants it in its auth file, whose password is what PgBouncer logs in to the server with),
 * and forwards every database name to the test server. PgBouncer refuses to run as root: as root it
 * is told to switch to {@code nobody} ({@code -u}), and its files are made readable for that user.
 * Tests call {@link #binary()} first and skip when it is absent.
 */
public final class PgBouncer implements AutoCloseable {

  private static final List<String> KNOWN_PLACES =
      List.of(
          "/usr/sbin/pgbouncer",
          "/usr/bin/pgbouncer",
          "/usr/local/bin/pgbouncer",
          "/usr/local/sbin/pgbouncer");

  private final Process process;
  private final Path dir;
  private final int port;

  private PgBouncer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The {@code pgbouncer} executable on the PATH or where the OS packages put it, if any. */
  public static Optional<Path> binary() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        if (!entry.isEmpty()) {
          candidates.add(Paths.get(entry, "pgbouncer"));
        }
      }
    }
    KNOWN_PLACES.forEach(place -> candidates.add(Paths.get(place)));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * Starts PgBouncer in transaction mode in front of {@code serverHost:serverPort} for one user
   * (who logs in to the server with {@code password}, empty for none) and waits until it accepts
   * connections.
   *
   * @throws IllegalStateException if there is no binary or it does not come up, with its log
   */
  public static PgBouncer start(String serverHost, int serverPort, String user, String password)
      throws IOException {
    Path binary = binary().orElseThrow(() -> new IllegalStateException("no pgbouncer binary"));
    Path dir = Files.createTempDirectory("pgjcache-pgbouncer");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = freePort();
    Path authFile = dir.resolve("users.txt");
    Files.writeString(
        authFile,
        quoted(user) + " " + quoted(password == null ? "" : password) + "\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(authFile, PosixFilePermissions.fromString("rw-r--r--"));
    Path ini = dir.resolve("pgbouncer.ini");
    Files.writeString(
        ini,
        String.join(
            "\n",
            "[databases]",
            "* = host=" + serverHost + " port=" + serverPort,
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            "listen_port = " + port,
            "unix_socket_dir =",
            "auth_type = trust",
            "auth_file = " + authFile,
            "pool_mode = transaction",
            "max_client_conn = 200",
            "default_pool_size = 20",
            "ignore_startup_parameters = extra_float_digits,options",
            ""),
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r--r--"));
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("-u");
      command.add("nobody");
    }
    command.add(ini.toString());
    Path log = dir.resolve("pgbouncer.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PgBouncer bouncer = new PgBouncer(process, dir, port);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !process.isAlive() || accepts(port));
    } catch (ConditionTimeoutException e) {
      bouncer.close();
      throw new IllegalStateException(
          "pgbouncer did not accept connections within 20 s: " + Files.readString(log), e);
    }
    if (!process.isAlive()) {
      String output = Files.readString(log);
      bouncer.close();
      throw new IllegalStateException(
          "pgbouncer exited with " + process.exitValue() + ": " + output);
    }
    return bouncer;
  }

  /** A value as PgBouncer's auth file quotes it. */
  private static String quoted(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  /**
   * A JDBC URL of {@code database} through PgBouncer, with {@code prepareThreshold=0} (no
   * server-side prepared statements, which transaction pooling cannot keep).
   */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
  }

  /** What PgBouncer logged so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("pgbouncer.log"));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops PgBouncer (SIGTERM, then SIGKILL) and removes its files. */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
