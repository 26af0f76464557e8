package org.pgjcache.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to run the PostgreSQL programs. {@code initdb}, {@code pg_ctl} and {@code postgres} refuse to
 * run as root, and CI machines and containers often run everything as root. So when the JVM is
 * root, the programs are run through one of these, tried in order until one works ({@link
 * EmbeddedServer} gives each a real {@code initdb} to run):
 *
 * <ol>
 *   <li>{@code unshare -U}: a new user namespace with no mapping, in which the process (still the
 *       same kernel user, so it can use root's files) has the overflow uid instead of 0. No file
 *       ownership changes are needed. Needs user namespaces, which container runtimes commonly
 *       forbid (Docker's default seccomp profile does).
 *   <li>{@code setpriv}, {@code runuser} or {@code su} to the {@code nobody} account: a real
 *       unprivileged user. The data directory is then handed to that user, and the binaries must be
 *       reachable by it (they are unpacked world-readable; the directory above them must be
 *       traversable, which {@code /tmp} is).
 * </ol>
 *
 * All but {@code su} are part of util-linux, which every mainstream Linux distribution and the
 * usual JDK container images ship; {@code su} covers busybox systems. When the JVM is not root, the
 * programs run directly.
 */
final class Launcher {

  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final String UNPRIVILEGED_USER = "nobody";

  private final String description;
  private final List<String> prefix;
  private final boolean viaShell;
  private final Integer uid;
  private final Integer gid;

  private Launcher(
      String description, List<String> prefix, boolean viaShell, Integer uid, Integer gid) {
    this.description = description;
    this.prefix = List.copyOf(prefix);
    this.viaShell = viaShell;
    this.uid = uid;
    this.gid = gid;
  }

  /** The command line that runs {@code command} this way. */
  List<String> wrap(List<String> command) {
    List<String> wrapped = new ArrayList<>(prefix);
    if (viaShell) {
      wrapped.add(
          command.stream().map(Launcher::shellQuote).collect(Collectors.joining(" ", "exec ", "")));
      wrapped.add(UNPRIVILEGED_USER);
    } else {
      wrapped.addAll(command);
    }
    return wrapped;
  }

  /** Hands {@code path} to the user the programs run as, when that is not the JVM's user. */
  void own(Path path) throws IOException {
    if (uid != null) {
      Files.setAttribute(path, "unix:uid", uid);
      Files.setAttribute(path, "unix:gid", gid);
    }
  }

  /**
   * Checks that this way works at all: the programs do not end up running as root and can reach the
   * binaries.
   *
   * @return empty when it works, else why not
   */
  Optional<String> probe(PgBinaries binaries) throws InterruptedException {
    if (prefix.isEmpty()) {
      return Optional.empty();
    }
    try {
      Processes.Result id = Processes.run(wrap(List.of("id", "-u")), null, PROBE_TIMEOUT);
      if (!id.ok()) {
        return Optional.of(id.toString());
      }
      if (id.output().strip().equals("0")) {
        return Optional.of("still runs as uid 0");
      }
      Processes.Result version =
          Processes.run(wrap(List.of(binaries.program("postgres"), "-V")), null, PROBE_TIMEOUT);
      return version.ok() ? Optional.empty() : Optional.of("cannot run the binaries: " + version);
    } catch (IOException e) {
      return Optional.of(e.toString());
    }
  }

  /** The ways to try, best first. */
  static List<Launcher> candidates() throws InterruptedException {
    if (!jvmIsRoot()) {
      return List.of(new Launcher("directly", List.of(), false, null, null));
    }
    List<Launcher> candidates = new ArrayList<>();
    find("unshare")
        .ifPresent(
            unshare ->
                candidates.add(
                    new Launcher(
                        "in a user namespace (unshare -U)",
                        List.of(unshare, "-U"),
                        false,
                        null,
                        null)));
    Optional<Integer> uid = idOf("-u");
    Optional<Integer> gid = idOf("-g");
    if (uid.isPresent() && gid.isPresent() && uid.get() != 0) {
      String as = " as " + UNPRIVILEGED_USER + " (" + uid.get() + ":" + gid.get() + ")";
      find("setpriv")
          .ifPresent(
              setpriv ->
                  candidates.add(
                      new Launcher(
                          "via setpriv" + as,
                          List.of(
                              setpriv,
                              "--reuid=" + uid.get(),
                              "--regid=" + gid.get(),
                              "--clear-groups",
                              "--"),
                          false,
                          uid.get(),
                          gid.get())));
      find("runuser")
          .ifPresent(
              runuser ->
                  candidates.add(
                      new Launcher(
                          "via runuser" + as,
                          List.of(runuser, "-u", UNPRIVILEGED_USER, "--"),
                          false,
                          uid.get(),
                          gid.get())));
      find("su")
          .ifPresent(
              su ->
                  candidates.add(
                      new Launcher(
                          "via su" + as,
                          List.of(su, "-s", "/bin/sh", "-c"),
                          true,
                          uid.get(),
                          gid.get())));
    } else {
      LOG.debug(
          "No usable '{}' account; only user namespaces can run PostgreSQL for root",
          UNPRIVILEGED_USER);
    }
    return candidates;
  }

  /** Whether this JVM runs as uid 0 (never true on Windows). */
  static boolean jvmIsRoot() throws InterruptedException {
    if (System.getProperty("os.name", "").startsWith("Windows")) {
      return false;
    }
    try {
      Processes.Result id = Processes.run(List.of("id", "-u"), null, PROBE_TIMEOUT);
      if (id.ok()) {
        return id.output().strip().equals("0");
      }
      LOG.debug("'id -u' failed, going by user.name: {}", id);
    } catch (IOException e) {
      LOG.debug("Could not run 'id -u', going by user.name", e);
    }
    return "root".equals(System.getProperty("user.name"));
  }

  private static Optional<Integer> idOf(String option) throws InterruptedException {
    try {
      Processes.Result id =
          Processes.run(List.of("id", option, UNPRIVILEGED_USER), null, PROBE_TIMEOUT);
      if (id.ok()) {
        return Optional.of(Integer.parseInt(id.output().strip()));
      }
      LOG.debug("No '{}' account: {}", UNPRIVILEGED_USER, id);
    } catch (IOException | NumberFormatException e) {
      LOG.debug("Could not look up the '{}' account", UNPRIVILEGED_USER, e);
    }
    return Optional.empty();
  }

  /** Finds a program on the PATH or in the sbin directories that a root PATH may lack. */
  private static Optional<String> find(String program) {
    List<String> directories =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    directories.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    return directories.stream()
        .filter(directory -> !directory.isBlank())
        .map(directory -> Path.of(directory, program))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .findFirst();
  }

  private static String shellQuote(String argument) {
    return "'" + argument.replace("'", "'\\''") + "'";
  }

  @Override
  public String toString() {
    return description;
  }
}
