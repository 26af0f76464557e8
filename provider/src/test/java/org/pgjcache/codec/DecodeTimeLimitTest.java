package org.pgjcache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The time limit is the last resort behind the structural ones: a decode that runs out of it fails.
 */
class DecodeTimeLimitTest {

  private static List<Object> large() {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      list.add(new ArrayList<>(List.of("element " + i)));
    }
    return list;
  }

  @Test
  void aDecodeThatRunsOutOfTimeIsRefused() throws IOException {
    DecodeLimits d = DecodeLimits.DEFAULTS;
    ValueCodec hurried =
        new ValueCodec(
            getClass().getClassLoader(),
            new SerializationAllowlist(List.of()),
            new DecodeLimits(
                d.maxBytes(),
                d.maxArrayLength(),
                d.maxReferences(),
                d.maxDepth(),
                d.maxTreeSize(),
                Duration.ofNanos(1)));
    byte[] bytes = HostileValues.tagged(large());
    assertThatThrownBy(() -> hurried.decode(bytes))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("pgjcache.serialization.max-time");
  }

  @Test
  void theSameValueDecodesWithinTheDefaultTime() throws IOException {
    ValueCodec codec =
        new ValueCodec(
            getClass().getClassLoader(),
            new SerializationAllowlist(List.of()),
            DecodeLimits.DEFAULTS);
    assertThat(codec.decode(HostileValues.tagged(large()))).isEqualTo(large());
  }
}
