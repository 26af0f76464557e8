package org.pgjcache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

class CodecTest {

  private final ValueCodec codec =
      new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of()));
  private final KeyCodec keys = new KeyCodec(codec);

  @Test
  void commonKeysStayReadableAndRoundTrip() {
    UUID id = UUID.fromString("3f2a0c1e-0000-4000-8000-000000000001");
    assertThat(keys.encode("alice")).isEqualTo("s:alice");
    assertThat(keys.encode(42L)).isEqualTo("l:42");
    assertThat(keys.encode(42)).isEqualTo("i:42");
    assertThat(keys.encode(id)).isEqualTo("u:" + id);
    for (Object key :
        List.of(
            "alice",
            "",
            "x|y:z",
            42L,
            -7,
            id,
            (short) 3,
            'c',
            true,
            new Date(1000),
            LocalDate.of(2026, 11, 21))) {
      assertThat(keys.decode(keys.encode(key))).isEqualTo(key);
    }
    assertThat(keys.encode("42")).isNotEqualTo(keys.encode(42L));
  }

  @Test
  void malformedKeysAreCorruptData() {
    assertThatThrownBy(() -> keys.decode("nonsense")).isInstanceOf(CorruptDataException.class);
    assertThatThrownBy(() -> keys.decode("l:notanumber")).isInstanceOf(CorruptDataException.class);
    assertThatThrownBy(() -> keys.decode("q:x")).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void valuesRoundTripAsFreshCopies() {
    ArrayList<String> list = new ArrayList<>(List.of("a", "b"));
    for (Object value :
        List.of("text", "ünïcødé", 1L, 2, true, 2.5, new BigDecimal("1.10"), list)) {
      assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
    }
    byte[] bytes = {1, 2, 3};
    byte[] back = (byte[]) codec.decode(codec.encode(bytes));
    assertThat(back).containsExactly(1, 2, 3).isNotSameAs(bytes);
    assertThat(codec.decode(codec.encode(list))).isNotSameAs(list);
  }

  @Test
  void corruptValuesAreCorruptData() {
    assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(CorruptDataException.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {3, 1}))
        .isInstanceOf(CorruptDataException.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {1, (byte) 0xde, (byte) 0xad}))
        .isInstanceOf(CorruptDataException.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {99}))
        .isInstanceOf(CorruptDataException.class);
  }

  /** Serializable, but in no allowlist. */
  static final class Stranger implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void theAllowlistRefusesStrangersAndAcceptsWhatItIsTold() {
    byte[] stranger = codec.encode(new Stranger());
    assertThatThrownBy(() -> codec.decode(stranger))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(Stranger.class.getName());
    ValueCodec allowing =
        new ValueCodec(
            getClass().getClassLoader(),
            new SerializationAllowlist(List.of("org.pgjcache.codec.**")));
    assertThat(allowing.decode(stranger)).isInstanceOf(Stranger.class);
    SerializationAllowlist list = new SerializationAllowlist(List.of("com.acme.*", "org.x.Y"));
    assertThat(list.allows("com.acme.Order")).isTrue();
    assertThat(list.allows("com.acme.sub.Order")).isFalse();
    assertThat(list.allows("org.x.Y")).isTrue();
    assertThat(list.allows("java.lang.Runtime")).isFalse();
  }

  @Test
  void immutableValuesAreNotCopied() {
    ValueForms byValue = new ValueForms(codec, true);
    String text = "same";
    assertThat(byValue.read(byValue.hold(text, codec.encode(text)))).isSameAs(text);
    ArrayList<String> list = new ArrayList<>(List.of("a"));
    Object held = byValue.hold(list, codec.encode(list));
    list.add("changed later");
    assertThat(byValue.read(held)).isEqualTo(List.of("a")).isNotSameAs(byValue.read(held));
    ValueForms byReference = new ValueForms(codec, false);
    assertThat(byReference.read(byReference.hold(list, codec.encode(list)))).isSameAs(list);
  }
}
