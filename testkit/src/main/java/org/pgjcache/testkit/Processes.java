package org.pgjcache.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the PostgreSQL programs (and a few system tools) to completion, within a deadline. */
final class Processes {

  private Processes() {}

  /** Exit code and combined stdout/stderr of a finished program. */
  record Result(List<String> command, int exitCode, String output) {

    boolean ok() {
      return exitCode == 0;
    }

    /** The last lines of the output, for messages. */
    String tail() {
      return lastLines(output, 15);
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " exited with "
          + exitCode
          + (output.isBlank() ? "" : ":\n" + tail());
    }
  }

  /**
   * Runs {@code command} in {@code directory} and waits at most {@code timeout}. Output goes to a
   * file rather than a pipe, so that a chatty program cannot block and a server it forks cannot
   * keep a pipe open. On timeout the whole process tree is killed.
   */
  static Result run(List<String> command, Path directory, Duration timeout)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("pgjcache-testkit-", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory == null ? null : directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      cleanEnvironment(builder.environment());
      Process process = builder.start();
      // Never let a child read the JVM's stdin (Surefire talks to its forked JVMs over it).
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IOException(
            String.join(" ", command)
                + " did not finish within "
                + timeout.toSeconds()
                + " s; killed it. Output so far:\n"
                + lastLines(read(output), 15));
      }
      return new Result(List.copyOf(command), process.exitValue(), read(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /**
   * Removes the libpq/server environment variables (PGDATA, PGPORT, ...) that could point the
   * programs elsewhere, and pins the C locale so that initdb does not trip over a LANG naming a
   * locale the machine does not have.
   */
  private static void cleanEnvironment(Map<String, String> environment) {
    environment.keySet().removeIf(name -> name.startsWith("PG"));
    environment.put("LC_ALL", "C");
    environment.put("LANG", "C");
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  static String lastLines(String text, int count) {
    List<String> lines = text.strip().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }
}
