package org.pgjcache.backend.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.EntryStore;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Mutator;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Write;

/**
 * Entries in one PostgreSQL table: every write is one statement that also sends its sealed
 * notification, so a change and its announcement commit together; single puts go through the {@link
 * WriteCombiner}, which commits concurrent ones together.
 */
final class PostgresStore implements EntryStore {

  private final Jdbc jdbc;
  private final Sql sql;
  private final String channel;
  private final NoticeSeal seal;
  private final WriteCombiner combiner;
  private final DatabaseClock clock;

  PostgresStore(
      Jdbc jdbc,
      Sql sql,
      String channel,
      NoticeSeal seal,
      WriteCombiner combiner,
      DatabaseClock clock) {
    this.jdbc = jdbc;
    this.sql = sql;
    this.channel = channel;
    this.seal = seal;
    this.combiner = combiner;
    this.clock = clock;
  }

  @Override
  public long now() {
    return clock.now();
  }

  @Override
  public void ensureCache(String cache) {
    jdbc.run(
        "registering",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.ensureCache())) {
            ps.setString(1, cache);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Row get(String cache, String key) {
    return jdbc.run(
        "reading a key",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.get)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Row(key, rs.getBytes(1), rs.getLong(2), rs.getLong(3)) : null;
            }
          }
        });
  }

  @Override
  public Map<String, Row> getAll(String cache, Collection<String> keys) {
    return jdbc.run(
        "reading keys",
        cache,
        c -> {
          Map<String, Row> rows = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.getAll)) {
            ps.setString(1, cache);
            ps.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.put(rs.getString(1), readRow(rs));
              }
            }
          }
          return rows;
        });
  }

  private static Row readRow(ResultSet rs) throws SQLException {
    return new Row(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4));
  }

  @Override
  public void scan(String cache, Consumer<Row> sink) {
    jdbc.cursor(
        "reading all entries",
        cache,
        (c, call) -> {
          try (PreparedStatement ps = c.prepareStatement(sql.scan())) {
            ps.setFetchSize(2000);
            ps.setString(1, cache);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                call.progress();
                sink.accept(readRow(rs));
              }
            }
          }
          return null;
        });
  }

  @Override
  public void recentRemovals(String cache, long millis, Consumer<Row> sink) {
    jdbc.run(
        "reading recent removals",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.recentRemovals())) {
            ps.setString(1, cache);
            ps.setLong(2, millis);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                sink.accept(readRow(rs));
              }
            }
          }
          return null;
        });
  }

  /**
   * The changes a batch notification announced: the rows (tombstones too) whose revision lies in
   * {@code [min, max]}, each with the entry it replaced. A tombstone says itself what it was (an
   * expiry keeps its expiry instant, a removal has none), whatever the batch's kind: the range may
   * hold other writers' changes too.
   */
  List<Change> revisions(String cache, long min, long max) {
    return jdbc.run(
        "reading a batch of changes",
        cache,
        c -> {
          List<Change> changes = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.revRange)) {
            ps.setString(1, cache);
            ps.setLong(2, min);
            ps.setLong(3, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Row row = readRow(rs);
                Row prior = readPrior(row.key(), rs, 5);
                Op removal = row.expireAt() == Row.ETERNAL ? Op.REMOVE : Op.EXPIRE;
                changes.add(
                    row.value() == null
                        ? new Change(removal, row.key(), row.rev(), null, Row.ETERNAL, prior)
                        : new Change(
                            Op.PUT, row.key(), row.rev(), row.value(), row.expireAt(), prior));
              }
            }
          }
          return changes;
        });
  }

  private static Row readPrior(String key, ResultSet rs, int at) throws SQLException {
    return new Row(key, rs.getBytes(at), rs.getLong(at + 1), rs.getLong(at + 2));
  }

  @Override
  public Row prior(String cache, String key, long rev) {
    return jdbc.run(
        "reading what a change replaced",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.prior)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            ps.setLong(3, rev);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? readPrior(key, rs, 1) : null;
            }
          }
        });
  }

  @Override
  public long put(String cache, Write write, String origin) {
    return combiner.put(cache, write, origin);
  }

  private static long singleRev(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Runs a statement that ends with {@code commit} (e.g. {@link Sql#updateThenCommit}): the
   * revision comes from its first part, the commit has happened when this returns (a failure of the
   * first part skips the commit).
   */
  private static long revThenCommit(PreparedStatement ps) throws SQLException {
    ps.execute();
    try (ResultSet rs = ps.getResultSet()) {
      return rs != null && rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public long[] putAll(String cache, List<Write> writes, String origin) {
    String[] keys = new String[writes.size()];
    byte[][] values = new byte[writes.size()][];
    Long[] expiries = new Long[writes.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = writes.get(i).key();
      values[i] = writes.get(i).value();
      expiries[i] = writes.get(i).expireAt();
    }
    String[] payload = Payloads.batch('P', cache, origin);
    return jdbc.write(
        "storing values",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.putAll)) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("bytea", values));
            ps.setArray(3, c.createArrayOf("bigint", expiries));
            ps.setString(4, cache);
            Payloads.bind(ps, 5, channel, seal, payload);
            return revisionsByKey(ps, keys);
          }
        });
  }

  private static long[] revisionsByKey(PreparedStatement ps, String[] keys) throws SQLException {
    Map<String, Long> revs = new HashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        revs.put(rs.getString(1), rs.getLong(2));
      }
    }
    long[] result = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      result[i] = revs.getOrDefault(keys[i], 0L);
    }
    return result;
  }

  @Override
  public long remove(String cache, String key, String origin) {
    String[] payload = Payloads.single(seal, 'R', cache, key, Row.ETERNAL, origin, null);
    return jdbc.write(
        "removing a key",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.remove)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            ps.setLong(3, clock.now());
            Payloads.bind(ps, 4, channel, seal, payload);
            return singleRev(ps);
          }
        });
  }

  @Override
  public long[] removeAll(String cache, List<String> keys, String origin) {
    String[] keyArray = keys.toArray(new String[0]);
    String[] payload = Payloads.batch('R', cache, origin);
    return jdbc.write(
        "removing keys",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.removeAll)) {
            ps.setString(1, cache);
            Array array = c.createArrayOf("text", keyArray);
            ps.setArray(2, array);
            ps.setLong(3, clock.now());
            Payloads.bind(ps, 4, channel, seal, payload);
            return revisionsByKey(ps, keyArray);
          }
        });
  }

  @Override
  public void touch(String cache, String key, long rev, long expireAt, String origin) {
    String payload =
        seal.seal(Payloads.complete('T', rev, cache, key, expireAt, origin), clock.now());
    jdbc.run(
        "storing an accessed expiry",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.touch)) {
            ps.setLong(1, expireAt);
            ps.setLong(2, expireAt);
            ps.setString(3, cache);
            ps.setString(4, key);
            ps.setLong(5, rev);
            ps.setString(6, channel);
            ps.setString(7, payload);
            ps.executeQuery().close();
          }
          return null;
        });
  }

  @Override
  public long clear(String cache, String origin) {
    String[] payload = Payloads.single(seal, 'C', cache, "", Row.ETERNAL, origin, null);
    return jdbc.write(
        "clearing",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.clear)) {
            ps.setString(1, cache);
            Payloads.bind(ps, 2, channel, seal, payload);
            return singleRev(ps);
          }
        });
  }

  @Override
  public MutationResult mutate(String cache, String key, String origin, Mutator mutator) {
    return jdbc.transaction(
        "an atomic operation",
        cache,
        (c, call) -> {
          Row current;
          try (PreparedStatement ps = c.prepareStatement(sql.lockRow)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              byte[] value = rs.getBytes(1);
              current = value == null ? null : new Row(key, value, rs.getLong(2), rs.getLong(3));
            }
          }
          Mutation mutation = mutator.decide(current);
          long rev = apply(c, call, cache, key, origin, mutation, current);
          return new MutationResult(current, mutation, rev);
        });
  }

  /**
   * Writes what an atomic operation decided and commits in the same round trip, so the row lock is
   * held one round trip less; a decision to change nothing writes nothing (the caller commits).
   */
  private long apply(
      Connection c,
      Jdbc.Call call,
      String cache,
      String key,
      String origin,
      Mutation mutation,
      Row current)
      throws SQLException {
    if (mutation instanceof Mutation.Put put) {
      String[] payload =
          Payloads.single(seal, 'P', cache, key, put.expireAt(), origin, put.value());
      try (PreparedStatement ps = c.prepareStatement(sql.updateThenCommit)) {
        ps.setBytes(1, put.value());
        ps.setLong(2, put.expireAt());
        ps.setLong(3, put.expireAt());
        ps.setString(4, cache);
        ps.setString(5, key);
        Payloads.bind(ps, 6, channel, seal, payload);
        call.writing();
        return revThenCommit(ps);
      }
    }
    if (mutation instanceof Mutation.Remove remove && current != null) {
      String[] payload =
          Payloads.single(seal, remove.op().code(), cache, key, Row.ETERNAL, origin, null);
      try (PreparedStatement ps = c.prepareStatement(sql.tombstoneThenCommit)) {
        ps.setString(1, cache);
        ps.setString(2, key);
        Payloads.bind(ps, 3, channel, seal, payload);
        call.writing();
        return revThenCommit(ps);
      }
    }
    if (mutation instanceof Mutation.Touch touch && current != null) {
      String payload =
          seal.seal(
              Payloads.complete('T', current.rev(), cache, key, touch.expireAt(), origin),
              clock.now());
      try (PreparedStatement ps = c.prepareStatement(sql.touchThenCommit)) {
        ps.setLong(1, touch.expireAt());
        ps.setLong(2, touch.expireAt());
        ps.setString(3, cache);
        ps.setString(4, key);
        ps.setLong(5, current.rev());
        ps.setString(6, channel);
        ps.setString(7, payload);
        call.writing();
        return revThenCommit(ps);
      }
    }
    return 0;
  }

  @Override
  public void destroy(String cache, String origin) {
    String[] payload = Payloads.single(seal, 'D', cache, "", Row.ETERNAL, origin, null);
    jdbc.transaction(
        "destroying",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.clear)) {
            ps.setString(1, cache);
            Payloads.bind(ps, 2, channel, seal, payload);
            ps.executeQuery().close();
          }
          try (PreparedStatement ps = c.prepareStatement(sql.destroyCacheRow())) {
            ps.setString(1, cache);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<Row> page(String cache, String after, int limit) {
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
                rows.add(readRow(rs));
              }
            }
          }
          return rows;
        });
  }
}
