package org.pgjcache.config;

import java.util.regex.Pattern;

/**
 * Schema, table and channel names are spliced into SQL text (DDL, {@code LISTEN}, {@code NOTIFY}
 * cannot take them as bind parameters), so they are restricted to a conservative character set that
 * cannot break out of a quoted identifier. Cache names never go through here: they are only ever
 * bound as parameters.
 *
 * <p>Quoted identifiers are case-sensitive in PostgreSQL: {@code MySchema} names a different schema
 * than the unquoted {@code myschema}. Lower-case names behave the same either way.
 */
public final class Identifiers {

  /** PostgreSQL's NAMEDATALEN is 64 bytes including the terminator; longer names get truncated. */
  public static final int MAX_LENGTH = 63;

  private static final Pattern VALID =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0," + (MAX_LENGTH - 1) + "}");

  private Identifiers() {}

  /** Whether {@code name} may be used as a schema, table or channel name. */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /**
   * Checks an identifier and returns it.
   *
   * @throws IllegalArgumentException explaining why the name is not acceptable
   */
  public static String validate(String name) {
    if (isValid(name)) {
      return name;
    }
    throw new IllegalArgumentException(problem(name));
  }

  /**
   * Double-quotes an identifier for splicing into SQL.
   *
   * @throws IllegalArgumentException if the name was not validated first and is not acceptable
   */
  public static String quote(String name) {
    return '"' + validate(name) + '"';
  }

  private static String problem(String name) {
    String rule =
        "identifiers must match [A-Za-z_][A-Za-z0-9_]{0,62} because they are spliced into SQL";
    if (name == null || name.isEmpty()) {
      return "empty; " + rule;
    }
    if (name.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters (PostgreSQL would truncate it); " + rule;
    }
    char first = name.charAt(0);
    if (first >= '0' && first <= '9') {
      return "starts with a digit; " + rule;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!ok) {
        String shown =
            Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("U+%04X", (int) c)
                : "'" + c + "'";
        return "contains the character " + shown + " at position " + (i + 1) + "; " + rule;
      }
    }
    return rule;
  }
}
