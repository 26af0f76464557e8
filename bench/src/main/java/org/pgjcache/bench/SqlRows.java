package org.pgjcache.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills a pgjcache cache with many rows by one SQL statement, in pgjcache's own encoding (key
 * {@code l:N}, value tag 2 + UTF-8), far faster than putAll: row {@code N} is the {@code Long} key
 * {@code N} with the 100-character value {@link #value(long) value(N)}. The cache must exist (a
 * node created it, so its table is there); no node hears of the rows.
 */
public final class SqlRows {

  private SqlRows() {}

  /** The value SQL writes for key {@code n}: {@code v<n>:} then {@code x} up to 100 characters. */
  public static String value(long n) {
    String head = "v" + n + ":";
    return head + "x".repeat(Data.VALUE_CHARS - head.length());
  }

  /** Writes keys {@code 0 .. rows-1} of {@code cache}; returns the milliseconds it took. */
  public static long fill(BenchDatabase db, String cache, long rows) throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "insert into pgjcache_entries (cache, key, value, rev) select '"
              + cache
              + "', 'l:' || g, '\\x02'::bytea || convert_to(v || repeat('x', "
              + Data.VALUE_CHARS
              + " - length(v)), 'UTF8'), nextval('pgjcache_entries_rev')"
              + " from generate_series(0, "
              + (rows - 1)
              + ") g, lateral (select 'v' || g || ':' as v) h");
      st.execute("analyze pgjcache_entries");
      st.execute("checkpoint");
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
