package org.pgjcache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values of a {@code value-format: json} cache round-trip through JSON, never through Java
 * serialization.
 */
class JsonValuesTest {

  /** A value type with what real values hold: numbers, time, lists, maps and absent fields. */
  public record Product(
      String name,
      BigDecimal price,
      Instant updated,
      LocalDate since,
      List<String> tags,
      Map<String, Object> attributes,
      String note) {}

  private final ValueCodec codec =
      new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of()))
          .forJson(Product.class);

  private static Product product() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("colour", "red");
    attributes.put("weight", 12);
    attributes.put("nothing", null);
    return new Product(
        "lamp",
        new BigDecimal("19.90"),
        Instant.parse("2026-12-04T18:00:00Z"),
        LocalDate.of(2020, 1, 31),
        List.of("home", "light"),
        attributes,
        null);
  }

  @Test
  void aRecordRoundTripsAsReadableJson() {
    byte[] bytes = codec.encode(product());
    assertThat(bytes[0]).isEqualTo(JsonValues.TAG);
    String json = new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"price\":19.90")
        .contains("\"updated\":\"2026-12-04T18:00:00Z\"")
        .contains("\"since\":\"2020-01-31\"")
        .contains("\"note\":null")
        .doesNotContain("aced");
    assertThat(codec.decode(bytes)).isEqualTo(product());
  }

  @Test
  void keysStayInThePlainFormAndPlainCodecsReadJsonAsMaps() {
    assertThat(codec.plain().encode("k")[0]).isNotEqualTo(JsonValues.TAG);
    Object untyped = codec.plain().decode(codec.encode(product()));
    assertThat(untyped).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) untyped).get("name")).isEqualTo("lamp");
  }

  @Test
  void jsonThatDoesNotFitTheTypeIsCorruptDataForThatValueOnly() {
    byte[] wrong = ("\u0008{\"price\": \"not a number\"}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(wrong))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(Product.class.getName());
    byte[] deep =
        ("\u0008" + "[".repeat(5_000) + "]".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.plain().decode(deep)).isInstanceOf(CorruptDataException.class);
  }
}
