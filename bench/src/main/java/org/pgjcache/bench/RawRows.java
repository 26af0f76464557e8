package org.pgjcache.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What pgjcache would write for the keys and values of {@link Data}, for the statements that write
 * pgjcache's table shape directly (the raw JDBC peer and the load programs): the key text ({@code
 * l:N}), the tagged value bytes, and a single-change notification payload of pgjcache's size, split
 * around the revision the database splices in. Two generations of values, so that consecutive
 * writes of a key change its value.
 */
public final class RawRows {

  /** Payload head of every row: a put. */
  public static final String HEAD = "P|";

  /** Key text of row {@code i}. */
  public final String[] keys;

  /** Tagged value bytes of row {@code i} in generation {@code g}: {@code values[g][i]}. */
  public final byte[][][] values;

  /** Payload tail of row {@code i} in generation {@code g} (its value inlined as base64). */
  public final String[][] tails;

  public RawRows(String cache, int count) {
    keys = new String[count];
    values = new byte[2][count][];
    tails = new String[2][count];
    for (int g = 0; g < 2; g++) {
      String[] text = Data.values(count, g);
      for (int i = 0; i < count; i++) {
        keys[i] = "l:" + i;
        values[g][i] = bytes(text[i]);
        tails[g][i] =
            "|"
                + Long.MAX_VALUE
                + "|0f8fad5b-d9cb-469f-a165-70867728950e|"
                + cache.length()
                + "|"
                + keys[i].length()
                + "|"
                + cache
                + keys[i]
                + Base64.getEncoder().encodeToString(values[g][i]);
      }
    }
  }

  /** pgjcache's tagged bytes for a String value. */
  private static byte[] bytes(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    out[0] = 2;
    System.arraycopy(utf8, 0, out, 1, utf8.length);
    return out;
  }
}
