package org.pgjcache.codec;

/**
 * The escaped form of strings that PostgreSQL {@code text} cannot hold: a backslash becomes {@code
 * \\}, NUL becomes {@code \0} and a lone surrogate {@code \}{@code uD800}; every other character
 * stands for itself. The escape is injective and its result is valid text.
 */
final class TextEscapes {

  private TextEscapes() {}

  /** Whether {@code s} holds a NUL or a surrogate that is not half of a pair. */
  static boolean needsEscape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return true;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c == 0) {
        sb.append("\\0");
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * The string whose escaped form is {@code escaped}; callers check that escaping it gives back
   * {@code escaped}, so that one string has one stored form.
   */
  static String unescape(String escaped) {
    StringBuilder sb = new StringBuilder(escaped.length());
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i + 1 >= escaped.length()) {
        throw new CorruptDataException("escaped key ends in a backslash");
      }
      char next = escaped.charAt(++i);
      if (next == '\\') {
        sb.append('\\');
      } else if (next == '0') {
        sb.append('\0');
      } else if (next == 'u' && isHex(escaped, i + 1)) {
        sb.append((char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16));
        i += 4;
      } else {
        throw new CorruptDataException("escaped key with an unknown escape \\" + next);
      }
    }
    return sb.toString();
  }

  private static boolean isHex(String s, int from) {
    if (from + 4 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 4; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }
}
