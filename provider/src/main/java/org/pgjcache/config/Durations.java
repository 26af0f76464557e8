package org.pgjcache.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time spans are typed by people into YAML, property files and environment variables, where {@code
 * 30s} is what they write and ISO-8601 is what tools emit; this accepts both, plus a bare number of
 * milliseconds, and rejects anything ambiguous instead of guessing.
 *
 * <p>Accepted: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} (lower-case units, no
 * space), ISO-8601 such as {@code PT30S} or {@code P1D}, or a bare number of milliseconds. Negative
 * spans and spans finer than a millisecond are rejected: every consumer works in milliseconds, so
 * silently truncating {@code PT0.0005S} to zero would change its meaning.
 */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("([-+]?)(\\d+)(ms|s|m|h|d)?");

  /** Human-readable list of the accepted forms, used in error messages. */
  static final String FORMATS =
      "expected e.g. 250ms, 30s, 5m, 2h, 1d, ISO-8601 like PT30S, or a bare number of milliseconds";

  private Durations() {}

  /**
   * Parses a duration in one of the accepted forms.
   *
   * @throws IllegalArgumentException saying what is wrong; the message does not repeat the text, so
   *     callers can add the setting's name and value themselves
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no value; " + FORMATS);
    }
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty; " + FORMATS);
    }
    Duration result;
    Matcher m = SIMPLE.matcher(s);
    if (m.matches()) {
      long amount;
      try {
        amount = Long.parseLong(m.group(2));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("number too large", e);
      }
      String unit = m.group(3) == null ? "ms" : m.group(3);
      try {
        result =
            switch (unit) {
              case "ms" -> Duration.ofMillis(amount);
              case "s" -> Duration.ofSeconds(amount);
              case "m" -> Duration.ofMinutes(amount);
              case "h" -> Duration.ofHours(amount);
              case "d" -> Duration.ofDays(amount);
              default -> throw new IllegalStateException("unit " + unit);
            };
        result.toMillis(); // throws if not representable in milliseconds, which consumers use
        if (m.group(1).equals("-")) {
          result = result.negated();
        }
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("too large", e);
      }
    } else if (s.toUpperCase(Locale.ROOT).startsWith("P")
        || s.toUpperCase(Locale.ROOT).startsWith("-P")
        || s.toUpperCase(Locale.ROOT).startsWith("+P")) {
      try {
        result = Duration.parse(s);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a valid ISO-8601 duration; " + FORMATS, e);
      }
      try {
        result.toMillis(); // throws if not representable in milliseconds
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("too large", e);
      }
    } else {
      throw new IllegalArgumentException("not a duration; " + FORMATS);
    }
    if (result.isNegative()) {
      throw new IllegalArgumentException("negative durations are not allowed");
    }
    if (result.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException("finer than a millisecond; use whole milliseconds");
    }
    return result;
  }

  /**
   * Formats a duration in the largest unit that represents it exactly ({@code 30s}, {@code
   * 1500ms}), so that {@link #parse(String)} gives the same value back.
   */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    if (ms == 0) {
      return "0ms";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1_000L == 0) {
      return ms / 1_000L + "s";
    }
    return ms + "ms";
  }
}
