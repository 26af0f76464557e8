package org.pgjcache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hostile serialized values are refused quickly with a {@link CorruptDataException}, and nothing they
 * do escapes as an {@link Error}; real values still decode.
 */
class DecodeLimitsTest {

  private static final Duration SAFETY_NET = Duration.ofSeconds(20);
  private final ValueCodec codec = new ValueCodec(getClass().getClassLoader(),
      new SerializationAllowlist(List.of()));

  private static byte[] tagged(Object value) throws IOException {
    return HostileValues.tagged(value);
  }

  private void assertRefused(byte[] hostile) {
    assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(() -> codec.decode(hostile))
        .isInstanceOf(CorruptDataException.class));
  }

  /** A few dozen bytes that declare an array of two billion longs. */
  @Test
  void aHugeDeclaredArrayIsRefusedWithoutAllocating() throws IOException {
    byte[] bytes = tagged(new long[] {7, 8});
    int at = indexOfLength(bytes, 2);
    ByteBuffer.wrap(bytes).putInt(at, Integer.MAX_VALUE - 16);
    assertThat(bytes.length).isLessThan(80);
    assertRefused(bytes);
  }

  /** Nested arrays each declaring a length under the per-array limit add up beyond the input. */
  @Test
  void manyLargeDeclaredArraysAreRefused() throws IOException {
    Object[] root = new Object[1];
    Object[] current = root;
    for (int i = 0; i < 30; i++) {
      Object[] next = new Object[1];
      current[0] = next;
      current = next;
    }
    byte[] bytes = tagged(root);
    // after the first, each array is TC_ARRAY, TC_REFERENCE to its class, handle, length 1
    int patched = 0;
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    for (int i = 0; i + 10 <= bytes.length; i++) {
      if (bytes[i] == 0x75 && bytes[i + 1] == 0x71 && buffer.getInt(i + 6) == 1) {
        buffer.putInt(i + 6, 9_000_000);
        patched++;
      }
    }
    assertThat(patched).isGreaterThan(10);
    assertThat(bytes.length).isLessThan(400);
    assertRefused(bytes);
  }

  /** The classic hash-code bomb: shared nested sets whose hashing doubles at every level. */
  @Test
  void aHashCodeBombIsRefusedInBoundedTime() throws IOException {
    ValueCodec quick = new ValueCodec(getClass().getClassLoader(),
        new SerializationAllowlist(List.of()), new DecodeLimits(1 << 20, 1000, 100_000, 100,
            Duration.ofMillis(200)));
    Set<Object> root = HostileValues.hashBomb(90);
    byte[] bytes = tagged(root);
    assertThat(bytes.length).isLessThan(8000);
    assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(() -> quick.decode(bytes))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("longer than 200 ms"));
    assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOf(CorruptDataException.class));
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() throws IOException {
    Object[] current = new Object[1];
    Object[] root = current;
    for (int i = 0; i < 2_000; i++) {
      Object[] next = new Object[1];
      current[0] = next;
      current = next;
    }
    assertRefused(tagged(root));
  }

  @Test
  void realValuesStillDecode() throws IOException {
    Map<String, Object> order = new HashMap<>();
    order.put("lines", new ArrayList<>(List.of(1, 2, 3)));
    order.put("tags", new HashSet<>(List.of("a", "b")));
    order.put("blob", new byte[100_000]);
    @SuppressWarnings("unchecked")
    Map<String, Object> decoded = (Map<String, Object>) codec.decode(tagged(order));
    assertThat(decoded.get("lines")).isEqualTo(order.get("lines"));
    assertThat(decoded.get("tags")).isEqualTo(order.get("tags"));
    assertThat((byte[]) decoded.get("blob")).hasSize(100_000);
  }

  @Test
  void classesThatInstantiateByNameAreNotAllowedByDefault() {
    SerializationAllowlist defaults = new SerializationAllowlist(List.of());
    assertThat(defaults.allows("javax.cache.configuration.FactoryBuilder$ClassFactory")).isFalse();
    assertThat(defaults.allows("java.net.URL")).isFalse();
    assertThat(defaults.allows("javax.cache.expiry.Duration")).isTrue();
  }

  private static int indexOfLength(byte[] bytes, int length) {
    for (int i = bytes.length - 4 - 16; i >= 0; i--) {
      if (ByteBuffer.wrap(bytes).getInt(i) == length) {
        return i;
      }
    }
    throw new AssertionError("no array length in the stream");
  }
}
