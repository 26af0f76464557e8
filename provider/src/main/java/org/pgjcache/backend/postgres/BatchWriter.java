package org.pgjcache.backend.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the puts a {@link WriteCombiner} leader took so that each put fails only for its own
 * reasons.
 *
 * <p>A statement that one row makes fail (a constraint, a trigger, a value the database refuses) is
 * split in halves until the row is alone, so the other puts commit and only that put fails, with
 * its own error. A combined statement waits at most {@link #LOCK_WAIT_MILLIS} for a row lock
 * another transaction holds: the put of that row is then handed back to its caller ({@link
 * SoloPuts}), which waits for the lock alone, so a locked row delays only the puts of its key.
 * Every attempt is bounded by the leader's deadline, pool wait included: the database is asked to
 * cancel the statement a little before it, and the {@link Watchdog} closes the connection at it if
 * the database does not answer at all. When that deadline rather than the configured timeouts cut
 * an attempt short, the others' puts go back to the queue for a leader with time left.
 */
final class BatchWriter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  /** How long a combined statement waits for a row lock held elsewhere before it is split. */
  static final long LOCK_WAIT_MILLIS = 50;

  /**
   * How much earlier than the deadline the database is asked to cancel a statement, so that its
   * answer arrives before the watchdog closes the connection (which would leave the outcome
   * unknown).
   */
  private static final long ANSWER_MILLIS = 100;

  private final Jdbc jdbc;
  private final String channel;
  private final NoticeSeal seal;
  private final long statementMillis;
  private final long connectMillis;
  private final PutOutcomes outcomes;
  private final SoloPuts solo = new SoloPuts();

  /** One transaction, sent in one round trip: its limits, the statement, and its commit. */
  private final String many;

  private final String one;
  private final String bound;

  BatchWriter(
      Jdbc jdbc,
      Sql sql,
      String channel,
      NoticeSeal seal,
      long statementMillis,
      long connectMillis,
      PutOutcomes outcomes) {
    this.jdbc = jdbc;
    this.channel = channel;
    this.seal = seal;
    this.statementMillis = statementMillis;
    this.connectMillis = connectMillis;
    this.outcomes = outcomes;
    this.many = sql.limits(jdbc.relaxed()) + "; " + sql.putMany + "; commit";
    this.one = sql.limits(jdbc.relaxed()) + "; " + sql.put + "; commit";
    this.bound = jdbc.bound();
  }

  /** The bound of one put, for messages. */
  String bound() {
    return bound;
  }

  /**
   * Writes a batch the leader took (every put {@link PendingPut.State#TAKEN}); returns, in queue
   * order, the puts to give back to the queue unwritten.
   */
  List<PendingPut> write(List<PendingPut> batch, Deadline leader) {
    List<PendingPut> back = new ArrayList<>();
    for (List<PendingPut> round : rounds(batch)) {
      List<PendingPut> now = new ArrayList<>(round.size());
      for (PendingPut put : round) {
        if (!solo.divertIfBusy(put)) {
          now.add(put);
        }
      }
      write(now, leader, back);
    }
    return back;
  }

  /** Splits a batch so that no round holds a key twice; later puts of a key go to later rounds. */
  private static List<List<PendingPut>> rounds(List<PendingPut> batch) {
    if (batch.size() == 1) {
      return List.of(batch);
    }
    List<List<PendingPut>> rounds = new ArrayList<>();
    List<Set<String>> seen = new ArrayList<>();
    for (PendingPut p : batch) {
      String id = p.id();
      int round = 0;
      while (round < rounds.size() && seen.get(round).contains(id)) {
        round++;
      }
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
        seen.add(new HashSet<>());
      }
      rounds.get(round).add(p);
      seen.get(round).add(id);
    }
    return rounds;
  }

  private void write(List<PendingPut> puts, Deadline leader, List<PendingPut> back) {
    if (puts.isEmpty()) {
      return;
    }
    if (!back.isEmpty()) {
      back.addAll(puts);
      return;
    }
    Attempt attempt = attempt(puts, leader, LOCK_WAIT_MILLIS);
    if (attempt.committed()) {
      for (int i = 0; i < puts.size(); i++) {
        deliver(puts.get(i), attempt.revs[i]);
      }
      return;
    }
    Verdict verdict = attempt.verdict();
    if ((verdict == Verdict.ROW || verdict == Verdict.LOCKED) && puts.size() > 1) {
      int half = puts.size() / 2;
      write(puts.subList(0, half), leader, back);
      write(puts.subList(half, puts.size()), leader, back);
    } else if (verdict == Verdict.LOCKED) {
      solo.divert(puts.get(0));
    } else if (verdict == Verdict.TIMED_OUT && attempt.shortened) {
      for (PendingPut put : puts) {
        if (put.deadline.passed()) {
          fail(
              put,
              put.failure(
                  "did not complete within " + bound + "; it was not stored", attempt.error));
        } else {
          back.add(put);
        }
      }
    } else {
      failAll(puts, attempt);
    }
  }

  private void failAll(List<PendingPut> puts, Attempt attempt) {
    Set<String> unsure = new LinkedHashSet<>();
    for (PendingPut put : puts) {
      CacheException failure = failure(put, attempt);
      if (attempt.verdict() == Verdict.MAYBE_COMMITTED) {
        unsure.add(put.cache);
      }
      fail(put, failure);
    }
    unsure.forEach(outcomes::unknown);
  }

  /** The failure of one put of a failed attempt, with the database's reason. */
  private CacheException failure(PendingPut put, Attempt attempt) {
    String reason =
        attempt.cut != null
            ? attempt.cut
            : attempt.error == null ? "no time was left" : reason(attempt.error);
    switch (attempt.verdict()) {
      case MAYBE_COMMITTED:
        return put.failure(
            "failed on PostgreSQL "
                + jdbc.target()
                + " and may have committed"
                + " (its cache is being reconciled): "
                + reason,
            attempt.error);
      case TIMED_OUT:
        return put.failure(
            "did not complete within " + bound + " and was not stored: " + reason, attempt.error);
      default:
        return put.failure("failed on PostgreSQL " + jdbc.target() + ": " + reason, attempt.error);
    }
  }

  private static String reason(SQLException e) {
    return e.getMessage() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
  }

  private void deliver(PendingPut put, long rev) {
    if (!put.complete(rev)) {
      outcomes.committedUnseen(put.cache, put.origin, put.write, rev);
    }
  }

  private static void fail(PendingPut put, CacheException failure) {
    if (!put.fail(failure)) {
      LOG.debug("a put whose caller had given up did not commit: {}", failure.getMessage());
    }
  }

  /**
   * Writes a put the leader diverted, alone, on its caller's thread: after the puts of its key
   * diverted before it, waiting for its row lock up to the put's own deadline.
   */
  long alone(PendingPut put) {
    try {
      solo.awaitTurn(put, bound);
      Attempt attempt = attempt(List.of(put), put.deadline, 0);
      if (attempt.committed()) {
        return attempt.revs[0];
      }
      if (attempt.verdict() == Verdict.MAYBE_COMMITTED) {
        outcomes.unknown(put.cache);
      }
      throw attempt.verdict() == Verdict.TIMED_OUT
          ? put.failure(
              "did not complete within "
                  + bound
                  + ": its row stayed locked by another"
                  + " transaction or the database did not answer in time; it was not stored",
              attempt.error)
          : failure(put, attempt);
    } finally {
      solo.over(put);
    }
  }

  /**
   * One transaction of puts within a deadline, pool wait included: the pool's wait and its check of
   * an idle connection end within the time left, the database cancels the statement {@link
   * #ANSWER_MILLIS} before the deadline, and the watchdog closes the connection at the deadline.
   */
  private Attempt attempt(List<PendingPut> puts, Deadline deadline, long lockMillis) {
    long borrowMillis = Jdbc.borrowMillis(connectMillis, deadline.remainingMillis());
    if (borrowMillis <= 0) {
      return Attempt.OUT_OF_TIME;
    }
    Connection c;
    try {
      c = jdbc.borrow(borrowMillis);
    } catch (SQLException e) {
      return new Attempt(null, e, borrowMillis < connectMillis, true, null);
    }
    boolean shortened = borrowMillis < connectMillis;
    Watchdog.Watch watch = jdbc.watch(c, deadline);
    try {
      long left = deadline.remainingMillis();
      if (left <= 0) {
        return Attempt.OUT_OF_TIME;
      }
      long statement = Math.max(1, Math.min(statementMillis, left - ANSWER_MILLIS));
      shortened |= statement < statementMillis;
      long lock = lockMillis == 0 ? 0 : Math.min(lockMillis, statement);
      c.setAutoCommit(false);
      long[] revs =
          puts.size() == 1
              ? writeOne(c, puts.get(0), statement, lock)
              : writeMany(c, puts, statement, lock);
      return new Attempt(revs, null, false, false, null);
    } catch (SQLException e) {
      rollback(c, e);
      return new Attempt(
          null,
          e,
          shortened,
          false,
          !watch.wasCut()
              ? null
              : watch.closedBy() != null
                  ? watch.closedBy()
                  : "the database did not answer within " + bound + "; the connection was closed");
    } finally {
      release(c);
      watch.close();
    }
  }

  private static void rollback(Connection c, SQLException cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Returns a connection to the pool; a failure there cannot change what was or was not committed.
   */
  private static void release(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      LOG.debug("could not reset a connection after storing values; the pool discards it", e);
    }
    try {
      c.close();
    } catch (SQLException e) {
      LOG.warn("could not return a connection to the pool after storing values", e);
    }
  }

  private static void limits(PreparedStatement ps, long statement, long lock) throws SQLException {
    ps.setString(1, Long.toString(statement));
    ps.setString(2, Long.toString(lock));
  }

  /** Runs the limits, a multi-statement's second part and its commit; returns the second's rows. */
  private static ResultSet rows(PreparedStatement ps) throws SQLException {
    ps.execute();
    ps.getResultSet().close();
    if (!ps.getMoreResults()) {
      throw new SQLException("storing values returned no rows", "XX000");
    }
    return ps.getResultSet();
  }

  private long[] writeOne(Connection c, PendingPut p, long statement, long lock)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(one)) {
      limits(ps, statement, lock);
      ps.setString(3, p.cache);
      ps.setString(4, p.write.key());
      ps.setBytes(5, p.write.value());
      ps.setLong(6, p.write.expireAt());
      ps.setLong(7, p.write.expireAt());
      Payloads.bind(ps, 8, channel, seal, p.payload);
      try (ResultSet rs = rows(ps)) {
        return new long[] {rs.next() ? rs.getLong(1) : 0};
      }
    }
  }

  private long[] writeMany(Connection c, List<PendingPut> round, long statement, long lock)
      throws SQLException {
    int n = round.size();
    String[] caches = new String[n];
    String[] keys = new String[n];
    byte[][] values = new byte[n][];
    Long[] expiries = new Long[n];
    String[] heads = new String[n];
    String[] tails = new String[n];
    for (int i = 0; i < n; i++) {
      PendingPut p = round.get(i);
      caches[i] = p.cache;
      keys[i] = p.write.key();
      values[i] = p.write.value();
      expiries[i] = p.write.expireAt();
      heads[i] = p.payload[0];
      tails[i] = p.payload[1];
    }
    try (PreparedStatement ps = c.prepareStatement(many)) {
      limits(ps, statement, lock);
      ps.setArray(3, c.createArrayOf("text", caches));
      ps.setArray(4, c.createArrayOf("text", keys));
      ps.setArray(5, c.createArrayOf("bytea", values));
      ps.setArray(6, c.createArrayOf("bigint", expiries));
      ps.setArray(7, c.createArrayOf("text", heads));
      ps.setArray(8, c.createArrayOf("text", tails));
      Payloads.bindSeal(ps, 9, channel, seal);
      long[] revs = new long[n];
      try (ResultSet rs = rows(ps)) {
        while (rs.next()) {
          revs[rs.getInt(1) - 1] = rs.getLong(2);
        }
      }
      return revs;
    }
  }

  /**
   * What one transaction did: the revisions of its puts in order, or why it did not commit, whether
   * the deadline rather than the configured timeouts limited it, and why the watchdog closed its
   * connection if it did (the database did not answer by the deadline, or the backend closed).
   */
  private record Attempt(
      long[] revs, SQLException error, boolean shortened, boolean borrowing, String cut) {

    static final Attempt OUT_OF_TIME = new Attempt(null, null, true, true, null);

    boolean committed() {
      return revs != null;
    }

    Verdict verdict() {
      if (error == null) {
        return Verdict.TIMED_OUT;
      }
      Verdict verdict = Verdict.of(error);
      if (borrowing) {
        return verdict == Verdict.TIMED_OUT ? verdict : Verdict.FAILED;
      }
      return verdict;
    }
  }
}
