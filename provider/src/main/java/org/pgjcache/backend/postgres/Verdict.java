package org.pgjcache.backend.postgres;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * What a failed write says about the puts it held, by SQLSTATE: whether one of its rows is to blame
 * (so the others deserve another statement), whether a row lock held elsewhere stopped it, whether
 * it ran out of time, or whether it may have committed after all (the connection broke before the
 * answer came).
 */
enum Verdict {
  /** A row's data, a constraint or a trigger refused the statement: split it to find the row. */
  ROW,
  /** A row lock held by another transaction outlasted the lock timeout. */
  LOCKED,
  /** The statement timeout, or the wait for a pooled connection, ran out. */
  TIMED_OUT,
  /**
   * The connection failed while the statement or its commit was under way: it may have committed.
   */
  MAYBE_COMMITTED,
  /** Anything else: the statement did not commit, and would fail the same way for every row. */
  FAILED;

  /**
   * SQLSTATE classes of errors one row can cause: data exceptions, integrity constraints, triggered
   * data changes, routine exceptions, transaction rollbacks (deadlock, serialization), program
   * limits (an index row too large) and PL/pgSQL's {@code raise}.
   */
  private static final Set<String> ROW_CLASSES =
      Set.of("22", "23", "27", "2F", "38", "39", "40", "54", "P0");

  static Verdict of(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return TIMED_OUT;
    }
    String state = e.getSQLState();
    if (state == null || state.startsWith("08")) {
      return MAYBE_COMMITTED;
    }
    if (state.equals("55P03")) {
      return LOCKED;
    }
    if (state.equals("57014")) {
      return TIMED_OUT;
    }
    if (state.length() == 5 && ROW_CLASSES.contains(state.substring(0, 2))) {
      return ROW;
    }
    return FAILED;
  }
}
