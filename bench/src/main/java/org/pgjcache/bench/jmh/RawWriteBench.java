package org.pgjcache.bench.jmh;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The physical limit of workload 2: one commit per write, as a single-row upsert, and as an upsert
 * plus {@code pg_notify} in the same statement (what pgjcache's put does). Same threads and key
 * layout as {@link PutBench}.
 */
@State(Scope.Benchmark)
public class RawWriteBench {

  @Param({"upsert", "upsert-notify"})
  public String op;

  RawTable table;
  RawRows rows;
  final AtomicInteger threads = new AtomicInteger();

  @Setup(Level.Trial)
  public void open() throws SQLException {
    table = new RawTable();
    rows = new RawRows(RawTable.CACHE, PutBench.ENTRIES);
    for (int i = 0; i < PutBench.ENTRIES; i++) {
      write(i, 0);
    }
    threads.set(0);
  }

  @TearDown(Level.Trial)
  public void close() {
    table.close();
  }

  void write(int index, int generation) throws SQLException {
    boolean notify = op.equals("upsert-notify");
    try (Connection c = table.pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(notify ? RawTable.UPSERT_NOTIFY : RawTable.UPSERT)) {
      ps.setString(1, RawTable.CACHE);
      ps.setString(2, rows.keys[index]);
      ps.setBytes(3, rows.values[generation][index]);
      if (notify) {
        ps.setString(4, RawTable.CHANNEL);
        ps.setString(5, RawRows.HEAD);
        ps.setString(6, rows.tails[generation][index]);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
        }
      } else {
        ps.executeUpdate();
      }
    }
  }

  /** A writer's own keys, as in {@link PutBench.Slot}. */
  @State(Scope.Thread)
  public static class Slot {
    int from;
    int next;
    int generation = 1;

    @Setup(Level.Trial)
    public void place(RawWriteBench bench) {
      from = (bench.threads.getAndIncrement() % PutBench.MAX_THREADS) * PutBench.KEYS_PER_THREAD;
    }

    void write(RawWriteBench bench) throws SQLException {
      bench.write(from + next, generation);
      if (++next == PutBench.KEYS_PER_THREAD) {
        next = 0;
        generation ^= 1;
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public void write1(Slot slot) throws SQLException {
    slot.write(this);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public void write8(Slot slot) throws SQLException {
    slot.write(this);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public void write16(Slot slot) throws SQLException {
    slot.write(this);
  }
}
