package org.pgjcache.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.cache.CacheException;

/**
 * Names read off {@link Key}'s table: telling a setting from a typo (with suggestions), splitting
 * per-cache keys, and mapping environment variables.
 */
final class Keys {

  static final String PREFIX = "pgjcache.";
  static final String ENV_PREFIX = "PGJCACHE_";
  static final String CACHES = "caches.";

  /** Global keys without the prefix, in the order they are documented and printed. */
  static final List<String> GLOBAL = Key.GLOBAL.stream().map(Key::text).toList();

  /** Per-cache keys, as they appear after {@code caches.<name>.}. */
  static final List<String> PER_CACHE = Key.PER_CACHE.stream().map(Key::text).toList();

  /**
   * A key whose value is an object, not text: only the {@link java.util.Properties} given to {@code
   * getCacheManager} can carry it (a {@link javax.sql.DataSource}), so no file, system property or
   * environment variable sets it.
   */
  static final String DATA_SOURCE = Key.DATA_SOURCE.text();

  private static final Map<String, String> BY_ENV_NAME = new LinkedHashMap<>();

  static {
    for (String key : GLOBAL) {
      BY_ENV_NAME.put(envName(key), key);
    }
  }

  private Keys() {}

  /** A per-cache key split into the cache's name and the setting. */
  record CacheKey(String cache, String setting) {}

  /** {@code pool-size} becomes {@code PGJCACHE_POOL_SIZE}. */
  static String envName(String key) {
    return Key.global(key).envName();
  }

  /** The key an environment variable sets, if it names one. */
  static Optional<String> fromEnvName(String envName) {
    return Optional.ofNullable(BY_ENV_NAME.get(envName));
  }

  static boolean isGlobal(String key) {
    return GLOBAL.contains(key);
  }

  /**
   * Splits {@code caches.<name>.<setting>}. Cache names may themselves contain dots (they are often
   * class names), so the setting is recognised as a known suffix rather than by position.
   */
  static Optional<CacheKey> cacheKey(String key) {
    if (!key.startsWith(CACHES)) {
      return Optional.empty();
    }
    String rest = key.substring(CACHES.length());
    CacheKey best = null;
    for (String setting : PER_CACHE) {
      if (rest.endsWith("." + setting) && rest.length() > setting.length() + 1) {
        if (best == null || setting.length() > best.setting().length()) {
          best = new CacheKey(rest.substring(0, rest.length() - setting.length() - 1), setting);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  static boolean isKnown(String key) {
    return isGlobal(key) || key.equals(DATA_SOURCE) || cacheKey(key).isPresent();
  }

  /**
   * Names that belong to pgjcache's own test and benchmark tooling ({@code pgjcache.test.*}, {@code
   * pgjcache.bench.*}, {@code PGJCACHE_TEST_*}, {@code PGJCACHE_BENCH_*}), not to a cache manager:
   * they are neither settings nor typos.
   */
  static boolean isToolingName(String name) {
    return name.startsWith(PREFIX + "test.")
        || name.startsWith(PREFIX + "bench.")
        || name.startsWith(ENV_PREFIX + "TEST_")
        || name.startsWith(ENV_PREFIX + "BENCH_");
  }

  static void requireKnown(String key, String source) {
    if (!isKnown(key)) {
      throw new CacheException(unknownMessage(PREFIX + key, suggestions(key), PREFIX, source));
    }
  }

  /** Fails for an unknown {@code PGJCACHE_*} variable, suggesting the variables that exist. */
  static CacheException unknownEnv(String envName) {
    if (envName.startsWith(ENV_PREFIX + "CACHES_")) {
      return new CacheException(
          "Unsupported environment variable "
              + envName
              + ": per-cache settings cannot be set through the environment because cache names are"
              + " case-sensitive and may contain dots; set pgjcache.caches.<name>.<setting> in the"
              + " Properties, a system property or the configuration file instead");
    }
    List<String> candidates = new ArrayList<>(BY_ENV_NAME.keySet());
    // compare without the shared prefix, or every short name looks "close"
    List<String> close = new ArrayList<>();
    for (String key : closest(envName.substring(ENV_PREFIX.length()), stripped(candidates))) {
      close.add(ENV_PREFIX + key);
    }
    StringBuilder sb = new StringBuilder("Unknown setting ").append(envName).append(" (from env)");
    if (close.isEmpty()) {
      sb.append("; known variables: ").append(String.join(", ", candidates));
    } else {
      sb.append("; did you mean ").append(oneOf(close)).append('?');
    }
    return new CacheException(sb.toString());
  }

  private static List<String> stripped(List<String> envNames) {
    List<String> out = new ArrayList<>();
    for (String n : envNames) {
      out.add(n.substring(ENV_PREFIX.length()));
    }
    return out;
  }

  private static String unknownMessage(
      String fullKey, List<String> close, String prefix, String source) {
    StringBuilder sb = new StringBuilder("Unknown setting ").append(fullKey);
    if (source != null) {
      sb.append(" (from ").append(source).append(')');
    }
    if (close.isEmpty() && fullKey.startsWith(prefix + CACHES)) {
      sb.append("; per-cache settings are written ")
          .append(prefix)
          .append(CACHES)
          .append("<name>.<setting> where <setting> is one of ")
          .append(String.join(", ", PER_CACHE));
    } else if (close.isEmpty()) {
      sb.append("; known settings: ");
      List<String> all = new ArrayList<>();
      for (String k : GLOBAL) {
        all.add(prefix + k);
      }
      for (String k : PER_CACHE) {
        all.add(prefix + CACHES + "<name>." + k);
      }
      sb.append(String.join(", ", all));
    } else {
      List<String> prefixed = new ArrayList<>();
      for (String c : close) {
        prefixed.add(prefix + c);
      }
      sb.append("; did you mean ").append(oneOf(prefixed)).append('?');
    }
    return sb.toString();
  }

  private static String oneOf(List<String> options) {
    return options.size() == 1 ? options.get(0) : "one of " + String.join(", ", options);
  }

  /** Known keys close to an unknown one, closest first (at most three). */
  static List<String> suggestions(String key) {
    List<String> candidates = new ArrayList<>(GLOBAL);
    String rest = null;
    if (key.startsWith(CACHES)) {
      rest = key.substring(CACHES.length());
    } else {
      int dot = key.indexOf('.');
      // "cache.orders.max-entries", "Caches.orders..." - a misspelt "caches" segment
      if (dot > 0 && distance(key.substring(0, dot).toLowerCase(Locale.ROOT), "caches") <= 2) {
        rest = key.substring(dot + 1);
      }
    }
    if (rest != null) {
      // try every split of rest into <name>.<setting>
      for (int i = rest.indexOf('.'); i > 0; i = rest.indexOf('.', i + 1)) {
        String name = rest.substring(0, i);
        for (String setting : PER_CACHE) {
          candidates.add(CACHES + name + "." + setting);
        }
      }
    }
    return closest(key, candidates);
  }

  private static List<String> closest(String wrong, List<String> candidates) {
    String w = wrong.toLowerCase(Locale.ROOT);
    Map<String, Integer> scored = new LinkedHashMap<>();
    for (String candidate : candidates) {
      String c = candidate.toLowerCase(Locale.ROOT);
      int d = distance(w, c);
      int allowed = Math.max(2, Math.min(4, c.length() / 3));
      boolean contains = w.length() >= 4 && (c.contains(w) || w.contains(c));
      if (d <= allowed || contains) {
        scored.merge(candidate, d, Math::min);
      }
    }
    List<String> result = new ArrayList<>(scored.keySet());
    result.sort(Comparator.comparingInt(scored::get));
    return result.size() > 3 ? List.copyOf(result.subList(0, 3)) : List.copyOf(result);
  }

  /** Levenshtein edit distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
