package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two embedded servers in one JVM: starting the second must not release the first one's lock
 * (closing any channel to a locked file drops the process's lock on it), or another JVM would take
 * the first server for abandoned and stop it.
 */
class EmbeddedServerLockTest {

  @Test
  void startingASecondServerKeepsTheFirstOnesLock() throws Exception {
    EmbeddedServer first = EmbeddedServer.create();
    try {
      assertThat(lockStateSeenByAnotherProcess(first.lockFile())).isEqualTo("held");
      EmbeddedServer second = EmbeddedServer.create();
      try {
        assertThat(lockStateSeenByAnotherProcess(first.lockFile())).isEqualTo("held");
        assertThat(lockStateSeenByAnotherProcess(second.lockFile())).isEqualTo("held");
      } finally {
        second.close();
      }
      assertThat(lockStateSeenByAnotherProcess(first.lockFile())).isEqualTo("held");
    } finally {
      first.close();
    }
  }

  private static String lockStateSeenByAnotherProcess(Path lockFile)
      throws IOException, InterruptedException {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockProbe.class.getName(),
                lockFile.toString())
            .redirectErrorStream(true)
            .start();
    child.getOutputStream().close();
    String output =
        new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(child.waitFor(60, TimeUnit.SECONDS))
        .as("probe finished; output: %s", output)
        .isTrue();
    return output;
  }

  /** Run in a child JVM: prints whether the file is locked by some other process. */
  public static final class LockProbe {
    public static void main(String[] args) throws IOException {
      try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
          FileLock lock = channel.tryLock()) {
        System.out.println(lock == null ? "held" : "free");
      }
    }
  }
}
