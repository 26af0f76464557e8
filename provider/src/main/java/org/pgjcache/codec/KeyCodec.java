package org.pgjcache.codec;

import java.util.Base64;
import java.util.UUID;

/**
 * Maps a cache key to the canonical text stored in the {@code key} column.
 *
 * <p>Common key types stay readable in SQL ({@code s:alice}, {@code l:42}, {@code u:3f2a...});
 * anything else is serialized and stored as {@code b:} plus base64. The tag keeps a {@code String
 * "42"} and a {@code Long 42} apart inside one cache. Serialized keys are only as canonical as
 * their serialized form: two equal keys whose serialized bytes differ would be two rows.
 *
 * <p>PostgreSQL {@code text} cannot hold a NUL character, and a lone UTF-16 surrogate has no UTF-8
 * form (the driver would replace it, so two different keys could share a row). A string that
 * contains either is stored under its own tag with backslash escapes, {@code e:a\0b} or {@code
 * e:a\uD800b}, which never collides with an {@code s:} key: only strings that need it are escaped,
 * and decoding refuses an escaped form of a string that does not. Every text this class produces is
 * valid PostgreSQL text.
 */
public final class KeyCodec {

  private final ValueCodec values;

  public KeyCodec(ValueCodec values) {
    this.values = values;
  }

  /** Returns the canonical text of {@code key}. */
  public String encode(Object key) {
    if (key instanceof String s) {
      return TextEscapes.needsEscape(s) ? "e:" + TextEscapes.escape(s) : "s:" + s;
    } else if (key instanceof Long l) {
      return "l:" + l;
    } else if (key instanceof Integer i) {
      return "i:" + i;
    } else if (key instanceof UUID u) {
      return "u:" + u;
    } else if (key instanceof Short s) {
      return "h:" + s;
    } else if (key instanceof Character c) {
      String one = String.valueOf(c);
      return "c:" + (TextEscapes.needsEscape(one) ? TextEscapes.escape(one) : one);
    } else if (key instanceof Boolean b) {
      return "z:" + b;
    }
    return "b:" + Base64.getEncoder().encodeToString(values.serialize(key));
  }

  /** Returns the key whose canonical text is {@code text}. */
  public Object decode(String text) {
    return decode(text, null);
  }

  /**
   * Returns the key whose canonical text is {@code text}, stored in cache {@code cache} (which a
   * refusal names; null if unknown).
   */
  public Object decode(String text, String cache) {
    if (text.length() < 2 || text.charAt(1) != ':') {
      throw new CorruptDataException(
          new DecodeContext(cache, null).prefix() + "key without a type tag: " + abbreviate(text));
    }
    String body = text.substring(2);
    DecodeContext context = new DecodeContext(cache, text);
    try {
      switch (text.charAt(0)) {
        case 's':
          return body;
        case 'e':
          return escaped(body, context);
        case 'l':
          return Long.valueOf(body);
        case 'i':
          return Integer.valueOf(body);
        case 'u':
          return UUID.fromString(body);
        case 'h':
          return Short.valueOf(body);
        case 'c':
          return character(body, context);
        case 'z':
          return Boolean.valueOf(body);
        case 'b':
          return values.deserialize(Base64.getDecoder().decode(body), context);
        default:
          throw new CorruptDataException(
              context.prefix() + "unknown key type tag '" + text.charAt(0) + "'");
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptDataException(context.prefix() + "malformed key: " + e.getMessage(), e);
    }
  }

  /**
   * The string of an {@code e:} key. Only its canonical form is accepted: the escape of a string
   * that needs none is its {@code s:} key's row, and a second spelling would be a second row for
   * one key.
   */
  private static String escaped(String body, DecodeContext context) {
    String s = unescape(body, context);
    if (!TextEscapes.needsEscape(s) || !TextEscapes.escape(s).equals(body)) {
      throw new CorruptDataException(context.prefix() + "escaped key in a non-canonical form");
    }
    return s;
  }

  private static Character character(String body, DecodeContext context) {
    if (body.length() == 1) {
      return body.charAt(0);
    }
    String s = unescape(body, context);
    if (s.length() != 1 || !TextEscapes.needsEscape(s) || !TextEscapes.escape(s).equals(body)) {
      throw new CorruptDataException(context.prefix() + "character key of length " + body.length());
    }
    return s.charAt(0);
  }

  private static String unescape(String body, DecodeContext context) {
    try {
      return TextEscapes.unescape(body);
    } catch (CorruptDataException e) {
      throw new CorruptDataException(context.prefix() + e.getMessage(), e);
    }
  }

  /**
   * {@code text} quoted for a message, shortened, and escaped if it holds NUL or lone surrogates.
   */
  static String abbreviate(String text) {
    String shown = text.length() <= 64 ? text : text.substring(0, 61) + "...";
    return "'" + (TextEscapes.needsEscape(shown) ? TextEscapes.escape(shown) : shown) + "'";
  }
}
