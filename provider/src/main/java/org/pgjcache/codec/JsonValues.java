package org.pgjcache.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.cache.CacheException;

/**
 * Values of a cache declared {@code value-format: json}: stored as a tag byte and UTF-8 JSON
 * written by Jackson, so other services and SQL ({@code <table>_json} view, {@code
 * value->>'price'}) can read them, and read back as the declared value type with no Java
 * deserialization at all: the JSON names no class, so nothing in a row can choose what gets
 * instantiated. Reads are bounded by Jackson's stream constraints (nesting, string and number
 * lengths).
 */
final class JsonValues {

  /** The tag of a JSON value. */
  static final byte TAG = 8;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxNumberLength(1000)
                .maxStringLength(16 << 20)
                .build());
  }

  private final Class<?> type;

  /**
   * @param type the declared value type, or {@code Object} for maps, lists and scalars
   */
  JsonValues(Class<?> type) {
    this.type = type == null ? Object.class : type;
  }

  byte[] encode(Object value) {
    byte[] json;
    try {
      json = MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new CacheException(
          "cannot write a value of "
              + value.getClass().getName()
              + " as JSON (value-format json): "
              + e.getOriginalMessage(),
          e);
    }
    byte[] out = new byte[json.length + 1];
    out[0] = TAG;
    System.arraycopy(json, 0, out, 1, json.length);
    return out;
  }

  /** The value of tagged JSON bytes, as the declared type. */
  Object decode(byte[] bytes) {
    return decode(bytes, type);
  }

  /** The value of tagged JSON bytes read where no type is declared: maps, lists, scalars. */
  static Object decodeUntyped(byte[] bytes) {
    return decode(bytes, Object.class);
  }

  private static Object decode(byte[] bytes, Class<?> as) {
    try {
      return MAPPER.readValue(bytes, 1, bytes.length - 1, as);
    } catch (IOException | RuntimeException e) {
      throw new CorruptDataException(
          "cannot read a stored JSON value as "
              + as.getName()
              + ": "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString()),
          e);
    }
  }

  /** For tests and log lines: the JSON text of tagged bytes. */
  static String text(byte[] bytes) {
    return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
  }
}
