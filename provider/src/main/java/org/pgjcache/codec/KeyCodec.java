package org.pgjcache.codec;

import java.util.Base64;
import java.util.UUID;

/**
 * Maps a cache key to the canonical text stored in the {@code key} column.
 *
 * <p>Common key types stay readable in SQL ({@code s:alice}, {@code l:42}, {@code u:3f2a...}); anything else
 * is serialized and stored as {@code b:} plus base64. The tag keeps a {@code String "42"} and a
 * {@code Long 42} apart inside one cache. Serialized keys are only as canonical as their serialized form:
 * two equal keys whose serialized bytes differ would be two rows.
 */
public final class KeyCodec {

  private final ValueCodec values;

  public KeyCodec(ValueCodec values) {
    this.values = values;
  }

  /** Returns the canonical text of {@code key}. */
  public String encode(Object key) {
    if (key instanceof String s) {
      return "s:" + s;
    } else if (key instanceof Long l) {
      return "l:" + l;
    } else if (key instanceof Integer i) {
      return "i:" + i;
    } else if (key instanceof UUID u) {
      return "u:" + u;
    } else if (key instanceof Short s) {
      return "h:" + s;
    } else if (key instanceof Character c) {
      return "c:" + c;
    } else if (key instanceof Boolean b) {
      return "z:" + b;
    }
    return "b:" + Base64.getEncoder().encodeToString(values.serialize(key));
  }

  /** Returns the key whose canonical text is {@code text}. */
  public Object decode(String text) {
    if (text.length() < 2 || text.charAt(1) != ':') {
      throw new CorruptDataException("key without a type tag: " + abbreviate(text));
    }
    String body = text.substring(2);
    try {
      switch (text.charAt(0)) {
        case 's':
          return body;
        case 'l':
          return Long.valueOf(body);
        case 'i':
          return Integer.valueOf(body);
        case 'u':
          return UUID.fromString(body);
        case 'h':
          return Short.valueOf(body);
        case 'c':
          if (body.length() != 1) {
            throw new CorruptDataException("character key of length " + body.length());
          }
          return body.charAt(0);
        case 'z':
          return Boolean.valueOf(body);
        case 'b':
          return values.deserialize(Base64.getDecoder().decode(body));
        default:
          throw new CorruptDataException("unknown key type tag '" + text.charAt(0) + "'");
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptDataException("malformed key " + abbreviate(text) + ": " + e.getMessage(), e);
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 64 ? "'" + text + "'" : "'" + text.substring(0, 61) + "...'";
  }
}
