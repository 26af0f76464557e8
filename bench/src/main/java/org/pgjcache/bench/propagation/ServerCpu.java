package org.pgjcache.bench.propagation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time of the PostgreSQL backends of one database, read from {@code /proc/<pid>/stat}: only
 * possible when the server runs on this machine (the embedded one does). Ticks of 10 ms.
 */
final class ServerCpu {

  private static final long TICK_NANOS = 10_000_000L;

  private ServerCpu() {}

  /** User + system CPU ns of each backend connected to the database of {@code c}, by pid. */
  static Map<Integer, Long> snapshot(Connection c) throws SQLException {
    Map<Integer, Long> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select pid from pg_stat_activity" + " where datname = current_database()")) {
      while (rs.next()) {
        int pid = rs.getInt(1);
        Long cpu = cpuNanos(pid);
        if (cpu != null) {
          out.put(pid, cpu);
        }
      }
    }
    return out;
  }

  /** The CPU the backends present in both snapshots spent between them, ns; null if unreadable. */
  static Long between(Map<Integer, Long> before, Map<Integer, Long> after) {
    if (before.isEmpty()) {
      return null;
    }
    long sum = 0;
    for (Map.Entry<Integer, Long> e : after.entrySet()) {
      Long start = before.get(e.getKey());
      if (start != null) {
        sum += e.getValue() - start;
      }
    }
    return sum;
  }

  private static Long cpuNanos(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
