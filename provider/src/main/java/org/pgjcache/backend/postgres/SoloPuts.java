package org.pgjcache.backend.postgres;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The puts the combiner handed back to their callers because their row was locked by another
 * transaction. Each is written alone on its caller's thread, which may wait for the lock up to its
 * deadline without holding up anyone else's put. Puts of one key diverted one after another form a
 * chain and run in that order, and while a chain exists, later puts of its key join it instead of
 * entering a combined statement, so puts of one key never overtake each other.
 */
final class SoloPuts {

  /** The newest diverted put of each key whose chain is not over, by {@link PendingPut#id()}. */
  private final Map<String, PendingPut> tails = new ConcurrentHashMap<>();

  /** Diverts a taken put if puts of its key are being written alone; only the leader calls this. */
  boolean divertIfBusy(PendingPut put) {
    if (!tails.containsKey(put.id())) {
      return false;
    }
    divert(put);
    return true;
  }

  /**
   * Hands a taken put back to its caller to write alone, after the puts of its key diverted before
   * it; only the leader calls this. A put whose caller has already given up is simply over.
   */
  void divert(PendingPut put) {
    PendingPut ahead = tails.put(put.id(), put);
    put.ahead = ahead;
    if (ahead != null) {
      ahead.behind = put;
    }
    if (!put.divert()) {
      over(put);
    }
  }

  /**
   * Waits on the caller's thread until the puts of the key diverted before this one are over;
   * fails, with the put certainly not stored, if its deadline passes or the thread is interrupted
   * first.
   */
  void awaitTurn(PendingPut put, String bound) {
    PendingPut ahead = put.ahead;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw put.failure("was interrupted before it was written; it was not stored", null);
      }
      if (put.deadline.passed()) {
        throw put.failure(
            "did not complete within "
                + bound
                + ": an earlier put of the key was still"
                + " waiting for its row lock, held by another transaction; it was not stored",
            null);
      }
      if (ahead == null || ahead.soloOver) {
        return;
      }
      LockSupport.parkNanos(this, put.deadline.remainingNanos());
    }
  }

  /** Marks a diverted put over and lets the next put of its key go. */
  void over(PendingPut put) {
    put.soloOver = true;
    tails.remove(put.id(), put);
    PendingPut next = put.behind;
    if (next != null) {
      next.wakeCaller();
    }
  }
}
