package org.pgjcache.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every key text is valid PostgreSQL {@code text} (no NUL, no lone surrogate), round-trips exactly,
 * and is the only text of its key.
 */
class KeyTextTest {

  private final KeyCodec keys =
      new KeyCodec(
          new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of())));

  private static final List<Object> AWKWARD =
      List.of(
          "a\u0000b",
          "\u0000",
          "a\uD800b",
          "\uDC00",
          "a\uD800",
          "\uD800\uDC00\uD800",
          "a\\0b",
          "a\\u0000b",
          "\\",
          "a\\\u0000",
          "e:x",
          "\uD83D\uDE00",
          "plain",
          "",
          '\u0000',
          '\uD800',
          '\uDFFF',
          '\\',
          'x',
          "\u0000\uD800" + "\\uD800");

  @Test
  void stringsPostgresCannotHoldAreEscapedReadably() {
    assertThat(keys.encode("a\u0000b")).isEqualTo("e:a\\0b");
    assertThat(keys.encode("a\uD800b")).isEqualTo("e:a\\uD800b");
    assertThat(keys.encode("a\\b\u0000")).isEqualTo("e:a\\\\b\\0");
    assertThat(keys.encode('\u0000')).isEqualTo("c:\\0");
    assertThat(keys.encode('\uDC01')).isEqualTo("c:\\uDC01");
  }

  @Test
  void stringsPostgresCanHoldKeepTheirPlainForm() {
    assertThat(keys.encode("a\\0b")).isEqualTo("s:a\\0b");
    assertThat(keys.encode("\uD83D\uDE00")).isEqualTo("s:\uD83D\uDE00");
    assertThat(keys.encode('\\')).isEqualTo("c:\\");
  }

  @Test
  void everyKeyRoundTripsAndNoTwoKeysShareATextAndEveryTextIsValidText() {
    List<Object> all = new java.util.ArrayList<>(AWKWARD);
    all.addAll(
        List.of(
            42L,
            42,
            "42",
            UUID.randomUUID(),
            (short) 7,
            true,
            LocalDate.of(2026, 1, 2),
            List.of("a\u0000b")));
    Set<String> texts = new HashSet<>();
    for (Object key : all) {
      String text = keys.encode(key);
      assertThat(keys.decode(text)).as(text).isEqualTo(key);
      assertThat(texts.add(text)).as("unique " + text).isTrue();
      assertThat(TextEscapes.needsEscape(text)).as("valid text " + text).isFalse();
      assertThat(new String(text.getBytes(UTF_8), UTF_8))
          .as("survives UTF-8 " + text)
          .isEqualTo(text);
    }
  }

  @Test
  void onlyTheCanonicalEscapedFormIsAccepted() {
    // each of these would decode to a key that is stored under another text
    for (String text :
        List.of(
            "e:plain",
            "e:a\\u0041",
            "e:\\uD83D\\uDE00",
            "e:a\\ud800",
            "e:\\x",
            "e:trailing\\",
            "e:\\u12",
            "c:\\u0041",
            "c:ab",
            "c:\\0\\0")) {
      assertThatThrownBy(() -> keys.decode(text)).as(text).isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void aCorruptKeyNamesItsCacheAndText() {
    assertThatThrownBy(() -> keys.decode("b:AAAA", "orders"))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("cache 'orders'")
        .hasMessageContaining("key 'b:AAAA'");
  }
}
