package org.pgjcache.bench.jmh;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.pgjcache.bench.RawRows;

/**
 * The ceiling of workload 2 with many threads: the most puts per second any write combiner could
 * reach here. N threads that each wait for their own put to commit can have at most N puts in
 * flight, so at best every commit carries N rows. This benchmark is that best case with nothing in
 * front of the database: one connection, in a tight loop, committing {@code rows} rows per
 * statement, each row with its own {@code pg_notify} (what pgjcache's combined puts do), on the
 * table of {@link RawTable}. A score is commits per second; rows per second are {@code rows} times
 * that. A target above this ceiling cannot be met by any client of this server, whatever it does
 * before it calls PostgreSQL.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class RawBatchBench {

  static final String BATCH =
      "with input as (select * from unnest(?::text[], ?::bytea[], ?::text[],"
          + " ?::text[]) with ordinality as i(key, value, head, tail, ord)),"
          + " w as (insert into raw_entries (cache, key, value, rev)"
          + " select '"
          + RawTable.CACHE
          + "', key, value, nextval('raw_rev') from input"
          + " order by key collate \"C\" on conflict (cache, key) do update"
          + " set value = excluded.value, rev = nextval('raw_rev'), updated_at = now() returning key, rev)"
          + " select i.ord, w.rev, pg_notify(?, i.head || w.rev || i.tail)"
          + " from w join input i on i.key = w.key order by i.ord";

  /** Rows per commit: the threads of {@code PutBench.put8} and {@code put16}. */
  @Param({"8", "16"})
  public int rows;

  RawTable table;
  RawRows written;

  /** One head per row, as pgjcache's combined puts bind them (every head is a put's). */
  String[] heads;

  int generation;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    table = new RawTable(relaxed());
    written = new RawRows(RawTable.CACHE, rows);
    heads = new String[rows];
    Arrays.fill(heads, RawRows.HEAD);
    commit();
  }

  /** Whether commits wait for their WAL flush; {@link RawBatchRelaxedBench} says they do not. */
  boolean relaxed() {
    return false;
  }

  @TearDown(Level.Trial)
  public void close() {
    table.close();
  }

  @Benchmark
  public long commit() throws SQLException {
    generation ^= 1;
    try (Connection c = table.pool.getConnection();
        PreparedStatement ps = c.prepareStatement(BATCH)) {
      ps.setArray(1, c.createArrayOf("text", written.keys));
      ps.setArray(2, c.createArrayOf("bytea", written.values[generation]));
      ps.setArray(3, c.createArrayOf("text", heads));
      ps.setArray(4, c.createArrayOf("text", written.tails[generation]));
      ps.setString(5, RawTable.CHANNEL);
      long last = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          last = rs.getLong(2);
        }
      }
      return last;
    }
  }
}
