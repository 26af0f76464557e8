package org.pgjcache.bench;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The keys and values every benchmark uses, built once so that no benchmark measures boxing or
 * string building: {@code Long} keys and 100-character {@code String} values, as issue 5 specifies.
 */
public final class Data {

  /** Length of every value. */
  public static final int VALUE_CHARS = 100;

  private Data() {}

  /** Boxed keys {@code 0 .. count-1}; distinct objects above 127, like keys read from a request. */
  public static Long[] keys(int count) {
    Long[] keys = new Long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = Long.valueOf(i);
    }
    return keys;
  }

  /** A value of exactly {@link #VALUE_CHARS} characters that starts with {@code tag}. */
  public static String value(String tag) {
    StringBuilder text = new StringBuilder(VALUE_CHARS).append(tag).append(':');
    while (text.length() < VALUE_CHARS) {
      text.append((char) ('a' + text.length() % 26));
    }
    text.setLength(VALUE_CHARS);
    return text.toString();
  }

  /** Values for {@code keys}, one per key, tagged with the key and {@code generation}. */
  public static String[] values(int count, int generation) {
    String[] values = new String[count];
    for (int i = 0; i < count; i++) {
      values[i] = value(generation + "-" + i);
    }
    return values;
  }

  /** {@code keys[from .. from+count-1]} mapped to {@code values} of the same positions. */
  public static Map<Long, String> map(Long[] keys, String[] values, int from, int count) {
    Map<Long, String> map = new HashMap<>(count * 2);
    for (int i = from; i < from + count; i++) {
      map.put(keys[i], values[i]);
    }
    return map;
  }

  /** {@code keys[from .. from+count-1]} as a set. */
  public static Set<Long> keySet(Long[] keys, int from, int count) {
    Set<Long> set = new LinkedHashSet<>(count * 2);
    for (int i = from; i < from + count; i++) {
      set.add(keys[i]);
    }
    return set;
  }
}
