package org.pgjcache.backend.postgres;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pgjcache.ListenStatus;
import org.pgjcache.backend.Row;
import org.pgjcache.sync.BucketSums;
import org.pgjcache.sync.Checksums;
import org.pgjcache.sync.Coordination;
import org.pgjcache.sync.NodeBeat;
import org.pgjcache.sync.RevisionSums;

/**
 * The PostgreSQL side of {@link Coordination}: the expiry reaper's turns under an advisory lock,
 * the heartbeat's and the reconciliation's statements, and the node table.
 */
final class PostgresCoordination implements Coordination {

  private final Jdbc jdbc;
  private final SyncSql sql;
  private final Sql entries;
  private final String channel;
  private final NoticeSeal seal;
  private final DatabaseClock clock;
  private final String reaperOrigin;

  /**
   * Where expiry announcements go when there is no LISTEN connection to bring them back; or null.
   */
  private final Consumer<String> deliverLocally;

  /** Whether the tables record deletions, so that heartbeats may compare only what changed. */
  private final boolean recordsDeletions;

  /**
   * Rows one statement of a whole comparison reads at most: at the ~2 µs a row its two hashes cost,
   * about half a second (package-private so that tests can make spans small).
   */
  int spanRows = 200_000;

  PostgresCoordination(
      Jdbc jdbc,
      Sql entries,
      SyncSql sql,
      String channel,
      NoticeSeal seal,
      DatabaseClock clock,
      String reaperOrigin,
      Consumer<String> deliverLocally,
      boolean recordsDeletions) {
    this.jdbc = jdbc;
    this.entries = entries;
    this.sql = sql;
    this.channel = channel;
    this.seal = seal;
    this.clock = clock;
    this.reaperOrigin = reaperOrigin;
    this.deliverLocally = deliverLocally;
    this.recordsDeletions = recordsDeletions;
  }

  /** Installs the trigger for direct SQL edits; under the same lock as the rest of the DDL. */
  static void createSchema(Jdbc jdbc, SyncSql sql) {
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

  @Override
  public Map<String, RevisionSums> revisionSums(Collection<String> caches) {
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

  /**
   * Computes each cache's bucketed checksum a span of revisions at a time ({@link #spanRows} rows a
   * statement, one call each), so that no statement of a whole comparison nears the statement
   * timeout however large the cache. Spans are read at different instants: a row rewritten between
   * two of them may be counted twice, which shows as a mismatch that the listing then finds nothing
   * to repair for, as with a replica's checksum taken during a change.
   */
  @Override
  public Map<String, BucketSums> checksums(Collection<String> caches) {
    Map<String, BucketSums> result = new HashMap<>();
    for (String cache : caches) {
      long[] counts = new long[Checksums.BUCKETS];
      long[] sums = new long[Checksums.BUCKETS];
      inSpans(
          "computing checksums",
          cache,
          sql.checksums(),
          (c, ps) -> {},
          2,
          rs -> {
            int bucket = rs.getInt(1);
            counts[bucket] += rs.getLong(2);
            sums[bucket] += modulo64(rs.getBigDecimal(3));
          });
      result.put(cache, new BucketSums(counts, sums));
    }
    return result;
  }

  /** Sets a span statement's parameters between the cache and the span's bounds. */
  @FunctionalInterface
  private interface SpanParameters {
    void set(Connection c, PreparedStatement ps) throws SQLException;
  }

  /** Takes one row of a span statement's answer. */
  @FunctionalInterface
  private interface SpanRow {
    void take(ResultSet rs) throws SQLException;
  }

  /**
   * Runs {@code statement} once per span of {@link #spanRows} revisions of {@code cache}, oldest
   * first, each in a call of its own: parameter 1 is the cache, then what {@code middle} sets, and
   * at {@code afterIndex} and after it the revision the span starts after and the one it ends at.
   */
  private void inSpans(
      String what,
      String cache,
      String statement,
      SpanParameters middle,
      int afterIndex,
      SpanRow row) {
    for (long after = Long.MIN_VALUE, upTo; after != Long.MAX_VALUE; after = upTo) {
      upTo = spanEnd(cache, after);
      long from = after;
      long to = upTo;
      jdbc.run(
          what,
          cache,
          c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
              ps.setString(1, cache);
              middle.set(c, ps);
              ps.setLong(afterIndex, from);
              ps.setLong(afterIndex + 1, to);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  row.take(rs);
                }
              }
            }
            return null;
          });
    }
  }

  /**
   * The revision that ends the span of {@link #spanRows} rows after {@code after}, or {@code
   * Long.MAX_VALUE} when the rest of the cache fits in one span.
   */
  private long spanEnd(String cache, long after) {
    return jdbc.run(
        "dividing a cache into spans of revisions",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.spanEnd())) {
            ps.setString(1, cache);
            ps.setLong(2, after);
            ps.setInt(3, spanRows - 1);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
            }
          }
        });
  }

  /** The exact sum reduced to the 64-bit two's complement value Java's wrapping addition gives. */
  static long modulo64(BigDecimal sum) {
    return sum == null ? 0 : sum.toBigIntegerExact().longValue();
  }

  /** Lists a span of revisions at a time, as {@link #checksums} computes them. */
  @Override
  public Map<String, Long> revisionsInBuckets(String cache, int[] buckets) {
    Integer[] boxed = new Integer[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      boxed[i] = buckets[i];
    }
    Map<String, Long> found = new HashMap<>();
    inSpans(
        "listing revisions",
        cache,
        sql.revisionsInBuckets(),
        (c, ps) -> ps.setArray(2, c.createArrayOf("int4", boxed)),
        3,
        rs -> found.merge(rs.getString(1), rs.getLong(2), Math::max));
    return found;
  }

  @Override
  public Horizon horizon(Collection<String> caches) {
    if (!recordsDeletions) {
      return null;
    }
    return jdbc.run(
        "reading the revision horizon",
        null,
        c -> {
          long revision = 0;
          Map<String, Long> cleared = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.horizon())) {
            ps.setArray(1, c.createArrayOf("text", caches.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                revision = rs.getLong(1);
                if (rs.getString(2) != null) {
                  cleared.put(rs.getString(2), rs.getLong(3));
                }
              }
            }
          }
          return new Horizon(revision, cleared);
        });
  }

  @Override
  public List<Changed> changedSince(String cache, long afterRev, int limit) {
    return jdbc.run(
        "listing changes",
        cache,
        c -> {
          List<Changed> changed = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.changedSince())) {
            ps.setFetchSize(5000);
            ps.setString(1, cache);
            ps.setLong(2, afterRev);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                changed.add(new Changed(rs.getString(1), rs.getLong(2), rs.getBoolean(3)));
              }
            }
          }
          return changed;
        });
  }

  @Override
  public Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys) {
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

  @Override
  public Map<String, Long> revisionsOf(String cache, Collection<String> keys) {
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

  @Override
  public void recordNode(NodeBeat beat, Duration staleAfter) {
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

  @Override
  public void removeNode(String nodeId) {
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

  // --- the expiry reaper ---

  /**
   * Expires due entries in one transaction and announces them with one batch notification per
   * cache, sent at commit. Without a LISTEN connection the batches are handed to this node's caches
   * directly.
   */
  @Override
  public int expireDue(int limit) {
    List<String> payloads = new ArrayList<>();
    int expired =
        jdbc.transaction(
            "expiring entries",
            null,
            c -> {
              if (!takeReaperRole(c)) {
                return -1;
              }
              Map<String, long[]> ranges = new LinkedHashMap<>();
              int count = 0;
              try (PreparedStatement ps = c.prepareStatement(entries.expireDue())) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    count++;
                    long rev = rs.getLong(2);
                    ranges.merge(
                        rs.getString(1),
                        new long[] {rev, rev},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                  }
                }
              }
              ranges.forEach(
                  (cache, range) -> {
                    String[] parts = Payloads.batch('X', cache, reaperOrigin);
                    payloads.add(
                        seal.seal(parts[0] + range[0] + "|" + range[1] + parts[1], clock.now()));
                  });
              if (!payloads.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(entries.notifyEach())) {
                  ps.setString(1, channel);
                  ps.setArray(2, c.createArrayOf("text", payloads.toArray()));
                  ps.executeQuery().close();
                }
              }
              return count;
            });
    if (deliverLocally != null) {
      payloads.forEach(deliverLocally);
    }
    return expired;
  }

  @Override
  public int purgeTombstones(long retentionMillis, int limit) {
    return jdbc.transaction(
        "purging tombstones",
        null,
        c -> {
          if (!takeReaperRole(c)) {
            return -1;
          }
          try (PreparedStatement ps = c.prepareStatement(entries.purgeTombstones())) {
            ps.setLong(1, retentionMillis);
            ps.setInt(2, limit);
            return ps.executeUpdate();
          }
        });
  }

  private boolean takeReaperRole(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(entries.tryReaperRole())) {
      ps.setString(1, entries.reaperLockName());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
