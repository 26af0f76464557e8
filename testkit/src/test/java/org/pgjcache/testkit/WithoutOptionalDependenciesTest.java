package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.simple.SimpleLogger;

/**
 * Runs {@link TestDatabaseMain --check} in a separate JVM whose class path is the testkit's runtime
 * class path without JUnit and Testcontainers (both optional), as a demo or benchmark would have
 * it. With no URL configured, that JVM starts its own embedded server next to this JVM's one, which
 * must survive it (the child removes only abandoned server directories, never locked ones).
 */
@ExtendWith(PostgresExtension.class)
class WithoutOptionalDependenciesTest {

  @Test
  void testDatabaseMainChecksWithoutJUnitOrTestcontainers(TestDatabase shared) throws Exception {
    String runtimeClassPath = System.getProperty("testkit.runtime-classpath");
    assumeTrue(
        runtimeClassPath != null && !runtimeClassPath.startsWith("${"),
        "testkit.runtime-classpath is set by the Maven build");
    assertThat(runtimeClassPath).doesNotContain("testcontainers").doesNotContain("junit");
    String classPath =
        String.join(
            File.pathSeparator,
            runtimeClassPath,
            System.getProperty("testkit.classes"),
            Path.of(SimpleLogger.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());

    Path output = Files.createTempFile("testkit-child-", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  classPath,
                  TestDatabaseMain.class.getName(),
                  "--check")
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("PGJCACHE_TEST_"));
      Process child = builder.start();
      child.getOutputStream().close();
      boolean finished = child.waitFor(90, TimeUnit.SECONDS);
      if (!finished) {
        child.destroyForcibly();
      }
      String log = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(finished).as("child finished in time; output:%n%s", log).isTrue();
      assertThat(child.exitValue()).as("exit status; output:%n%s", log).isZero();
      assertThat(log)
          .contains("Test database ready")
          .contains("select 1 works on jdbc:postgresql://127.0.0.1:");
    } finally {
      Files.deleteIfExists(output);
    }

    assertThat(TestDatabaseTest.selectOne(shared.jdbcUrl())).isEqualTo(1);
  }

  @Test
  void abandonedServerDirectoriesAreRemoved(@TempDir Path base) throws Exception {
    Path abandoned = Files.createDirectories(base.resolve("run-1-dead").resolve("data"));
    Files.writeString(abandoned.resolve("postmaster.pid"), "999999999\n");
    Files.createFile(base.resolve("run-1-dead.lock"));
    Path own = Files.createDirectories(base.resolve("run-2-own"));
    Path unrelated = Files.createDirectories(base.resolve("pg-0123456789abcdef"));

    EmbeddedServer.removeAbandoned(base, "run-2-own");

    assertThat(base.resolve("run-1-dead")).doesNotExist();
    assertThat(base.resolve("run-1-dead.lock")).doesNotExist();
    assertThat(own).exists();
    assertThat(unrelated).exists();
  }
}
