package org.pgjcache.bench.jmh;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.pgjcache.bench.RawRows;

/**
 * The physical limits of workloads 1 and 3: a point select by primary key (what a get would cost
 * without a replica), and a bulk upsert of 1,000 rows with {@code unnest} in one statement.
 */
@State(Scope.Benchmark)
@Threads(1)
public class RawReadBench {

  RawTable table;
  RawRows rows;
  int next;
  int generation;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    table = new RawTable();
    rows = new RawRows(RawTable.CACHE, GetBench.ENTRIES);
    for (int from = 0; from < GetBench.ENTRIES; from += BulkBench.BATCH) {
      bulk(from, 0);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    table.close();
  }

  private void bulk(int from, int gen) throws SQLException {
    String[] batchKeys = new String[BulkBench.BATCH];
    byte[][] batchValues = new byte[BulkBench.BATCH][];
    System.arraycopy(rows.keys, from, batchKeys, 0, BulkBench.BATCH);
    System.arraycopy(rows.values[gen], from, batchValues, 0, BulkBench.BATCH);
    try (Connection c = table.pool.getConnection();
        PreparedStatement ps = c.prepareStatement(RawTable.BULK)) {
      Array keyArray = c.createArrayOf("text", batchKeys);
      Array valueArray = c.createArrayOf("bytea", batchValues);
      ps.setString(1, RawTable.CACHE);
      ps.setArray(2, keyArray);
      ps.setArray(3, valueArray);
      ps.executeUpdate();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public byte[] pointSelect() throws SQLException {
    String key = rows.keys[next];
    if (++next == GetBench.ENTRIES) {
      next = 0;
    }
    try (Connection c = table.pool.getConnection();
        PreparedStatement ps = c.prepareStatement(RawTable.SELECT)) {
      ps.setString(1, RawTable.CACHE);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void bulkUnnest() throws SQLException {
    generation ^= 1;
    bulk(0, generation);
  }
}
