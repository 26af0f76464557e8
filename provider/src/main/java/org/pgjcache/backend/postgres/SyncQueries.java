package org.pgjcache.backend.postgres;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pgjcache.ListenStatus;
import org.pgjcache.backend.BucketSums;
import org.pgjcache.backend.Checksums;
import org.pgjcache.backend.NodeBeat;
import org.pgjcache.backend.RevisionSums;
import org.pgjcache.backend.Row;

/**
 * Runs the heartbeat's and the reconciliation's statements for {@link PostgresBackend}, so that the
 * backend itself stays about writes and notifications.
 */
final class SyncQueries {

  private final Jdbc jdbc;
  private final SyncSql sql;

  SyncQueries(Jdbc jdbc, SyncSql sql) {
    this.jdbc = jdbc;
    this.sql = sql;
  }

  /** Installs the trigger for direct SQL edits; under the same lock as the rest of the DDL. */
  void createSchema() {
    jdbc.transaction(
        "creating the pgjcache sync trigger",
        null,
        c -> {
          try (Statement st = c.createStatement()) {
            st.execute("select pg_advisory_xact_lock(hashtext('pgjcache-ddl'))");
            for (String ddl : sql.ddl()) {
              st.execute(ddl);
            }
          }
          return null;
        });
  }

  Map<String, RevisionSums> revisionSums(Collection<String> caches) {
    return jdbc.run(
        "comparing revisions",
        null,
        c -> {
          Map<String, RevisionSums> result = new HashMap<>();
          for (String cache : caches) {
            result.put(cache, RevisionSums.EMPTY);
          }
          try (PreparedStatement ps = c.prepareStatement(sql.revisionSums())) {
            ps.setArray(1, c.createArrayOf("text", caches.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                result.put(rs.getString(1), new RevisionSums(rs.getLong(2), rs.getLong(3)));
              }
            }
          }
          return result;
        });
  }

  Map<String, BucketSums> checksums(Collection<String> caches) {
    return jdbc.run(
        "computing checksums",
        null,
        c -> {
          Map<String, long[][]> raw = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.checksums())) {
            ps.setArray(1, c.createArrayOf("text", caches.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long[][] sums =
                    raw.computeIfAbsent(
                        rs.getString(1),
                        k ->
                            new long[][] {
                              new long[Checksums.BUCKETS], new long[Checksums.BUCKETS]
                            });
                int bucket = rs.getInt(2);
                sums[0][bucket] = rs.getLong(3);
                sums[1][bucket] = modulo64(rs.getBigDecimal(4));
              }
            }
          }
          Map<String, BucketSums> result = new HashMap<>();
          for (String cache : caches) {
            long[][] sums = raw.get(cache);
            result.put(cache, sums == null ? BucketSums.EMPTY : new BucketSums(sums[0], sums[1]));
          }
          return result;
        });
  }

  /** The exact sum reduced to the 64-bit two's complement value Java's wrapping addition gives. */
  static long modulo64(BigDecimal sum) {
    return sum == null ? 0 : sum.toBigIntegerExact().longValue();
  }

  Map<String, Long> revisionsInBuckets(String cache, int[] buckets) {
    Integer[] boxed = new Integer[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      boxed[i] = buckets[i];
    }
    return jdbc.run(
        "listing revisions",
        cache,
        c -> {
          Map<String, Long> found = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.revisionsInBuckets())) {
            ps.setFetchSize(5000);
            ps.setString(1, cache);
            ps.setArray(2, c.createArrayOf("int4", boxed));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.put(rs.getString(1), rs.getLong(2));
              }
            }
          }
          return found;
        });
  }

  Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys) {
    return jdbc.run(
        "reading rows to repair",
        cache,
        c -> {
          Map<String, Row> rows = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.rowsOrTombstones())) {
            ps.setString(1, cache);
            ps.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String key = rs.getString(1);
                rows.put(key, new Row(key, rs.getBytes(2), rs.getLong(3), rs.getLong(4)));
              }
            }
          }
          return rows;
        });
  }

  Map<String, Long> revisionsOf(String cache, Collection<String> keys) {
    return jdbc.run(
        "comparing held revisions",
        cache,
        c -> {
          Map<String, Long> found = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.revisionsOf())) {
            ps.setString(1, cache);
            ps.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.put(rs.getString(1), rs.getLong(2));
              }
            }
          }
          return found;
        });
  }

  List<Row> page(String cache, String after, int limit) {
    return jdbc.run(
        "reading a page of entries",
        cache,
        c -> {
          List<Row> rows = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.page())) {
            ps.setString(1, cache);
            ps.setString(2, after);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String key = rs.getString(1);
                rows.add(new Row(key, rs.getBytes(2), rs.getLong(3), rs.getLong(4)));
              }
            }
          }
          return rows;
        });
  }

  void recordNode(NodeBeat beat, Duration staleAfter) {
    jdbc.run(
        "recording a heartbeat",
        null,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.recordNode())) {
            ps.setString(1, beat.nodeId());
            ps.setString(2, beat.name());
            ps.setObject(3, OffsetDateTime.ofInstant(beat.started(), ZoneOffset.UTC));
            ps.setInt(4, beat.caches());
            ps.setBoolean(5, beat.matched());
            ps.setObject(
                6,
                beat.lastRepair() == null
                    ? null
                    : OffsetDateTime.ofInstant(beat.lastRepair(), ZoneOffset.UTC));
            ps.setLong(7, beat.repairedEntries());
            ListenStatus listen = beat.listen();
            ps.setBoolean(8, listen.listening());
            ps.setObject(
                9,
                listen.sinceMillis() == 0
                    ? null
                    : OffsetDateTime.ofInstant(
                        Instant.ofEpochMilli(listen.sinceMillis()), ZoneOffset.UTC));
            ps.setString(10, listen.endpoint());
            ps.setString(
                11,
                listen.lastError() == null
                    ? null
                    : Instant.ofEpochMilli(listen.lastErrorAtMillis()) + " " + listen.lastError());
            ps.setLong(12, beat.skippedNotifications());
            ps.setLong(13, beat.forgedNotifications());
            ps.executeUpdate();
          }
          try (PreparedStatement ps = c.prepareStatement(sql.forgetStaleNodes())) {
            ps.setLong(1, staleAfter.toMillis());
            ps.setString(2, beat.nodeId());
            ps.executeUpdate();
          }
          return null;
        });
  }

  void removeNode(String nodeId) {
    jdbc.run(
        "removing a node",
        null,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.removeNode())) {
            ps.setString(1, nodeId);
            ps.executeUpdate();
          }
          return null;
        });
  }
}
