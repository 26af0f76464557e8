package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            250ms       | 250
            30s         | 30000
            5m          | 300000
            2h          | 7200000
            1d          | 86400000
            0ms         | 0
            0           | 0
            1500        | 1500
            '  30s  '   | 30000
            PT30S       | 30000
            pt30s       | 30000
            PT0.25S     | 250
            PT1H30M     | 5400000
            P1D         | 86400000
            """)
  void parsesEveryAcceptedForm(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "{0} is rejected")
  @ValueSource(
      strings = {
        "",
        "   ",
        "abc",
        "30 s",
        "30sec",
        "1.5s",
        "5M",
        "30S",
        "s",
        "ms30",
        "-5s",
        "-PT5S",
        "PTXS",
        "P",
        "99999999999999999999",
        "9999999999999999d",
        "PT0.0005S"
      })
  void rejectsAnythingElse(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void explainsWhatIsAccepted() {
    assertThatThrownBy(() -> Durations.parse("five minutes"))
        .hasMessageContaining("250ms")
        .hasMessageContaining("PT30S")
        .hasMessageContaining("milliseconds");
    assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("negative");
    assertThatThrownBy(() -> Durations.parse("PT0.0005S")).hasMessageContaining("millisecond");
    assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} ms formats as {1}")
  @CsvSource(
      textBlock =
          """
            0,        0ms
            250,      250ms
            1500,     1500ms
            30000,    30s
            90000,    90s
            60000,    1m
            7200000,  2h
            86400000, 1d
            """)
  void formatsInTheLargestExactUnitAndParsesBack(long millis, String text) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Durations.format(d)).isEqualTo(text);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }
}
