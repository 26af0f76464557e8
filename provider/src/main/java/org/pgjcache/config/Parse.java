package org.pgjcache.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The checks of {@link Key}'s table: each turns configuration text into a value or throws {@link
 * IllegalArgumentException} saying why it cannot (the resolver adds the key, the value and where it
 * came from).
 */
final class Parse {

  /** The longest timeout a JDBC driver can take (milliseconds in an int). */
  static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  private static final String JAVA_NAME = "[\\p{L}_$][\\p{L}\\p{N}_$]*";
  private static final Pattern CLASS_NAME = Pattern.compile(JAVA_NAME + "(\\." + JAVA_NAME + ")*");
  private static final Pattern CLASS_PATTERN =
      Pattern.compile(JAVA_NAME + "(\\." + JAVA_NAME + ")*(\\.\\*\\*?|\\*)?");

  private Parse() {}

  static boolean bool(String s) {
    String t = s.strip();
    if (t.equalsIgnoreCase("true")) {
      return true;
    }
    if (t.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("must be true or false");
  }

  static Function<String, Long> longBetween(long min, long max) {
    return s -> {
      long n;
      try {
        n = Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an integer", e);
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return n;
    };
  }

  static Function<String, Integer> intBetween(int min, int max) {
    return s -> longBetween(min, max).apply(s).intValue();
  }

  static long positiveLong(String s) {
    long n;
    try {
      n = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer", e);
    }
    if (n <= 0) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return n;
  }

  static <E extends Enum<E>> Function<String, E> oneOf(E[] values, Function<E, String> name) {
    return s -> {
      List<String> names = new ArrayList<>();
      for (E e : values) {
        if (name.apply(e).equalsIgnoreCase(s.strip())) {
          return e;
        }
        names.add(name.apply(e));
      }
      throw new IllegalArgumentException("must be one of " + String.join(", ", names));
    };
  }

  static Function<String, Duration> timeout(Duration max) {
    return s -> {
      Duration d = Durations.parse(s);
      if (d.isZero()) {
        throw new IllegalArgumentException("must be greater than zero");
      }
      if (d.compareTo(max) > 0) {
        throw new IllegalArgumentException("must be at most " + Durations.format(max));
      }
      return d;
    };
  }

  static String valueFormat(String s) {
    String format = s.strip().toLowerCase(java.util.Locale.ROOT);
    if (!format.equals("java") && !format.equals("json")) {
      throw new IllegalArgumentException("expected java or json, got '" + s + "'");
    }
    return format;
  }

  static javax.cache.expiry.Duration expiry(String s) {
    if (s.strip().equalsIgnoreCase("eternal")) {
      return javax.cache.expiry.Duration.ETERNAL;
    }
    Duration d;
    try {
      d = Durations.parse(s);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains(Durations.FORMATS)) {
        throw new IllegalArgumentException(e.getMessage() + ", or eternal", e);
      }
      throw e;
    }
    return new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, d.toMillis());
  }

  static String jdbcUrl(String s) {
    String t = s.strip();
    if (!t.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "must be a JDBC URL starting with jdbc:, e.g. " + "jdbc:postgresql://host:5432/database");
    }
    return t;
  }

  /** The LISTEN connection is pgjcache's own PostgreSQL client: only PostgreSQL URLs will do. */
  static String listenJdbcUrl(String s) {
    String t = s.strip();
    if (!t.startsWith(JdbcUrls.POSTGRES_PREFIX)) {
      throw new IllegalArgumentException(
          "must be a PostgreSQL JDBC URL starting with "
              + JdbcUrls.POSTGRES_PREFIX
              + ", e.g. jdbc:postgresql://db-primary:5432/app");
    }
    return t;
  }

  static String nonBlank(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException("must not be blank");
    }
    return s.strip();
  }

  static String nodeName(String s) {
    String t = nonBlank(s);
    if (t.length() > 200) {
      throw new IllegalArgumentException("longer than 200 characters");
    }
    if (t.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("contains control characters");
    }
    return t;
  }

  static String className(String s) {
    String t = s.strip();
    if (!CLASS_NAME.matcher(t).matches()) {
      throw new IllegalArgumentException("not a fully qualified class name");
    }
    return t;
  }

  static List<String> allowList(String s) {
    Set<String> patterns = new LinkedHashSet<>();
    for (String item : s.split(",")) {
      String p = item.strip();
      if (p.isEmpty()) {
        continue;
      }
      if (p.equals("*") || p.equals("**") || p.equals(".*") || p.equals(".**")) {
        throw new IllegalArgumentException(
            "pattern "
                + p
                + " would allow every class to be deserialized;"
                + " list packages or classes instead, e.g. com.acme.**");
      }
      if (!CLASS_PATTERN.matcher(p).matches()) {
        throw new IllegalArgumentException(
            "pattern "
                + p
                + " is not a class name, package.* or package.**"
                + " (rejections, limits and module names do not belong in an allow-list)");
      }
      patterns.add(p);
    }
    return List.copyOf(patterns);
  }
}
