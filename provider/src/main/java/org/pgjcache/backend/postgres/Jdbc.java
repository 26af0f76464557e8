package org.pgjcache.backend.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.cache.CacheException;
import org.pgjcache.backend.Closing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs database work with a pooled connection, within one bound, and turns failures into {@link
 * CacheException}s.
 *
 * <p>Pooled connections carry no session state of pgjcache's: behind a pooler in transaction mode
 * (PgBouncer) a server connection serves other clients between two transactions, and a {@code SET}
 * would stay on it for them. So the statements of a call set statement-timeout, and with {@code
 * durability=relaxed} {@code synchronous_commit = off}, for their own transaction only ({@link
 * LocalSettings}).
 *
 * <p>Every call returns or fails within statement-timeout + connect-timeout of being made, whatever
 * the database does: the wait for a pooled connection (and the pool's check of an idle one) takes
 * at most connect-timeout and never more than the time left; the database cancels a statement after
 * statement-timeout, which is how a slow call usually ends; and the {@link Watchdog} closes the
 * connection of a call still running at its deadline, which is how a call to a database that does
 * not answer at all ends. A write that fails that way may have committed (the database may have
 * received it and answer no more); its cache is then reconciled.
 */
final class Jdbc {

  private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);

  /**
   * The longest the pool may spend checking an idle connection before handing it out (its
   * validation timeout): a call takes a connection only with more than this left, and waits for one
   * at most this much less than its time left, so the check never takes it past its deadline.
   */
  static final long CHECK_MILLIS = 250;

  /** A piece of work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * A piece of work that tells its call when it starts writing or receives more of a long answer.
   */
  @FunctionalInterface
  interface CallWork<T> {
    T run(Connection connection, Call call) throws SQLException;
  }

  /** Takes a connection from a pool, waiting at most a given time for one. */
  @FunctionalInterface
  interface Borrower {
    Connection borrow(long timeoutMillis) throws SQLException;
  }

  /** What work may tell the call it runs in. */
  interface Call {
    /**
     * From now on the work sends a write: if the call fails by losing its connection, the write may
     * have committed. Nothing was sent if the connection was already cut.
     */
    void writing();

    /** More of a long answer arrived: the call's deadline starts again from now. */
    void progress();
  }

  private final String target;
  private final Borrower borrower;
  private final Watchdog watchdog;
  private final long boundMillis;
  private final long connectMillis;
  private final boolean relaxed;
  private final LocalSettings settings;
  private final String bound;
  private final Consumer<String> unknownOutcome;

  /**
   * @param relaxed whether writes commit without waiting for their WAL flush ({@code
   *     durability=relaxed})
   * @param unknownOutcome told the cache of a write that may or may not have committed, to
   *     reconcile it
   */
  Jdbc(
      String target,
      Borrower borrower,
      Watchdog watchdog,
      long statementMillis,
      long connectMillis,
      boolean relaxed,
      Consumer<String> unknownOutcome) {
    this.target = target;
    this.borrower = borrower;
    this.watchdog = watchdog;
    this.boundMillis = statementMillis + connectMillis;
    this.connectMillis = connectMillis;
    this.relaxed = relaxed;
    this.settings = new LocalSettings(statementMillis, relaxed);
    this.bound = describeBound(statementMillis, connectMillis);
    this.unknownOutcome = unknownOutcome;
  }

  /** The bound of a call, for messages: its figure and where it comes from. */
  static String describeBound(long statementMillis, long connectMillis) {
    return (statementMillis + connectMillis)
        + " ms (statement-timeout "
        + statementMillis
        + " ms + connect-timeout "
        + connectMillis
        + " ms)";
  }

  /**
   * How long a call with {@code leftMillis} to go may wait for a pooled connection:
   * connect-timeout, less if less is left, keeping {@link #CHECK_MILLIS} for the pool's check of an
   * idle connection; zero or less means it has no time to take one.
   */
  static long borrowMillis(long connectMillis, long leftMillis) {
    return Math.min(connectMillis, leftMillis - CHECK_MILLIS);
  }

  /**
   * A pooled connection within {@code timeoutMillis} at most (the pool's own timeout if the
   * borrower cannot wait less); the caller closes it.
   */
  Connection borrow(long timeoutMillis) throws SQLException {
    return borrower.borrow(timeoutMillis);
  }

  /**
   * Watches a call on {@code connection} until {@code deadline}; close the watch when it is over.
   */
  Watchdog.Watch watch(Connection connection, Deadline deadline) {
    return watchdog.watch(connection, deadline);
  }

  /** The database, for messages; never a password. */
  String target() {
    return target;
  }

  /** The bound of a call, for messages. */
  String bound() {
    return bound;
  }

  /** Whether writes commit without waiting for their WAL flush ({@code durability=relaxed}). */
  boolean relaxed() {
    return relaxed;
  }

  /** Reads, or writes what cannot be half done (the caller treats a failure as nothing written). */
  <T> T run(String what, String cache, Work<T> work) {
    return call(what, cache, false, (c, call) -> work.run(c));
  }

  /** Writes in one statement: a failure that loses the connection may have committed. */
  <T> T write(String what, String cache, Work<T> work) {
    return call(
        what,
        cache,
        false,
        (c, call) -> {
          call.writing();
          return work.run(c);
        });
  }

  /**
   * Runs work that writes in one transaction; whatever it throws rolls it back and reaches the
   * caller as is. A failure that loses the connection may have committed.
   */
  <T> T transaction(String what, String cache, Work<T> work) {
    return call(
        what,
        cache,
        true,
        (c, call) -> {
          call.writing();
          return work.run(c);
        });
  }

  /** As {@link #transaction}, for work that tells its call when it starts writing, if it does. */
  <T> T transaction(String what, String cache, CallWork<T> work) {
    return call(what, cache, true, work);
  }

  /**
   * Reads a long answer in portions, in a transaction (the driver reads a statement with a fetch
   * size through a cursor only there, and only when it is sent alone: so the settings go first, in
   * a statement of their own).
   */
  <T> T cursor(String what, String cache, CallWork<T> work) {
    return call(
        what,
        cache,
        true,
        (c, call) -> {
          try (Statement st = c.createStatement()) {
            st.execute(settings.statement());
          }
          return work.run(c, call);
        });
  }

  private <T> T call(String what, String cache, boolean transaction, CallWork<T> work) {
    Deadline deadline = Deadline.after(boundMillis);
    long wait = borrowMillis(connectMillis, deadline.remainingMillis());
    if (wait <= 0) {
      throw new CacheException(
          what
              + where(cache)
              + " did not start within "
              + bound
              + ": no time was left to take a pooled connection"
              + (Closing.active() ? " (the cache manager is closing)" : ""));
    }
    Connection connection;
    try {
      connection = borrower.borrow(wait);
    } catch (SQLException e) {
      throw failure(what, cache, e);
    }
    Watchdog.Watch watch = watchdog.watch(connection, deadline);
    Progress call = new Progress(watch);
    T result;
    try {
      Connection local = settings.wrap(connection);
      result = transaction ? inTransaction(local, call, work) : autoCommitted(local, call, work);
    } catch (SQLException e) {
      release(connection, watch, e);
      throw failure(what, cache, e, call);
    } catch (RuntimeException | Error e) {
      release(connection, watch, e);
      throw e;
    }
    release(connection, watch, null);
    return result;
  }

  /**
   * Runs work on a connection in auto-commit mode, as a pool normally hands them out (a pool the
   * application configured otherwise would otherwise roll back what the work wrote).
   */
  private static <T> T autoCommitted(Connection connection, Progress call, CallWork<T> work)
      throws SQLException {
    if (!connection.getAutoCommit()) {
      connection.setAutoCommit(true);
    }
    return work.run(connection, call);
  }

  private static <T> T inTransaction(Connection connection, Progress call, CallWork<T> work)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection, call);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollback(connection, e);
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /**
   * Returns a connection to the pool, then stops watching its call (so that the pool's reset of it
   * is watched too). A failure to return it cannot change the call's outcome: after a failure it is
   * added to that failure, after success it is logged.
   */
  private static void release(Connection connection, Watchdog.Watch watch, Throwable failure) {
    try {
      connection.close();
    } catch (SQLException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        LOG.debug(
            "returning a connection to the pool failed after its work was done; the pool"
                + " discards it",
            e);
      }
    } finally {
      watch.close();
    }
  }

  private static void rollback(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static String where(String cache) {
    return cache == null ? "" : " for cache '" + cache + "'";
  }

  /** A failure to take a connection, or of work that wrote nothing. */
  CacheException failure(String what, String cache, SQLException e) {
    return new CacheException(
        what + where(cache) + " failed on PostgreSQL " + target + ": " + reason(e), e);
  }

  private CacheException failure(String what, String cache, SQLException e, Progress call) {
    boolean unknown =
        call.wrote && (call.watch.wasCut() || Verdict.of(e) == Verdict.MAYBE_COMMITTED);
    String reason;
    if (call.watch.wasCut()) {
      String closedBy = call.watch.closedBy();
      reason =
          closedBy != null
              ? closedBy
              : "the database did not answer within " + bound + "; the connection was closed";
    } else {
      reason = reason(e);
    }
    if (!unknown) {
      return new CacheException(
          what + where(cache) + " failed on PostgreSQL " + target + ": " + reason, e);
    }
    if (cache != null) {
      unknownOutcome.accept(cache);
    }
    return new CacheException(
        what
            + where(cache)
            + " failed on PostgreSQL "
            + target
            + " and may have committed"
            + (cache == null ? "" : " (the cache is being reconciled)")
            + ": "
            + reason,
        e);
  }

  private static String reason(SQLException e) {
    return e.getMessage() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
  }

  /** A call's watch, and whether its work has started writing. */
  private final class Progress implements Call {

    final Watchdog.Watch watch;
    volatile boolean wrote;

    Progress(Watchdog.Watch watch) {
      this.watch = watch;
    }

    @Override
    public void writing() {
      if (!watch.wasCut()) {
        wrote = true;
      }
    }

    @Override
    public void progress() {
      watch.renew(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis));
    }
  }
}
