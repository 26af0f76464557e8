package org.pgjcache.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's demo, so that a change that breaks it breaks the build. Steps 1 to 3 must work
 * ({@code run} throws otherwise); step 4 is given a short deadline here and only has to report
 * either outcome clearly.
 */
class TwoNodeDemoTest {

  @Test
  void theDemoRunsItsStepsAndSaysWhatHappened() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean repaired;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      repaired = new TwoNodeDemo(out, Duration.ofSeconds(1), Duration.ofSeconds(3)).run();
    }
    String log = bytes.toString(StandardCharsets.UTF_8);

    assertThat(log)
        .contains("node-b  heard CREATED hello = 'world'")
        .contains("node-b  heard REMOVED hello")
        .contains("node-b  heard CREATED for all 20 orders; its replica holds 20 of 20")
        .contains("1 reconnect(s)")
        .contains("heard UPDATED motd = 'changed by plain SQL'")
        .doesNotContain("NOT REPAIRED");
    assertThat(repaired).as("the heartbeat repaired the SQL edit").isTrue();
  }
}
