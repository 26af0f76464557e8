package org.pgjcache.backend.postgres;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.cache.CacheException;
import org.pgjcache.backend.Write;

/**
 * One caller's put on its way through the {@link WriteCombiner}, and what became of it.
 *
 * <p>Its state only moves by compare-and-set, so a caller that gives up and a leader that takes,
 * finishes or hands back its put always agree on who won: a put taken from the queue by a leader
 * can no longer be abandoned (its caller only orphans it and hears that it may still commit), and a
 * put its caller abandoned is never written.
 */
final class PendingPut {

  /** Where a put stands. */
  enum State {
    /** In the queue; its caller may still abandon it. */
    QUEUED,
    /** In a leader's hands, about to be written or being written. */
    TAKEN,
    /** Handed back to its caller to be written alone (its row was locked by someone else). */
    DIVERTED,
    /** Written or failed; the caller reads {@link #result()}. */
    DONE,
    /** Its caller gave up before any leader took it: it is never written. */
    ABANDONED,
    /** Its caller gave up while a leader was writing it: it may commit, and nobody waits for it. */
    ORPHANED
  }

  final String cache;
  final Write write;
  final String origin;
  final String[] payload;
  final Deadline deadline;

  /** The thread that called {@code put}: the only one that waits on this put. */
  private final Thread caller = Thread.currentThread();

  private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
  private volatile boolean woken;

  /**
   * Written by the leader before the state becomes {@link State#DONE}, read by the caller after.
   */
  private long rev;

  private RuntimeException failure;

  // --- the chain of puts of one key written alone, oldest first (see SoloPuts) ---

  /** The put of the same key diverted before this one; this one starts once it is over. */
  PendingPut ahead;

  /** The put of the same key diverted after this one, woken once this one is over. */
  volatile PendingPut behind;

  /** Whether this diverted put has committed, failed or been given up. */
  volatile boolean soloOver;

  PendingPut(String cache, Write write, String origin, String[] payload, Deadline deadline) {
    this.cache = cache;
    this.write = write;
    this.origin = origin;
    this.payload = payload;
    this.deadline = deadline;
  }

  /** The put's identity among the puts of every cache: puts of one id never share a statement. */
  String id() {
    return cache.length() + ":" + cache + write.key();
  }

  /** The key and cache, for messages. */
  String describe() {
    String key = write.key();
    if (key.length() > 80) {
      key = key.substring(0, 77) + "...";
    }
    return "key '" + key + "' of cache '" + cache + "'";
  }

  State state() {
    return state.get();
  }

  /** A leader takes a queued put into its batch; false if its caller abandoned it. */
  boolean take() {
    return state.compareAndSet(State.QUEUED, State.TAKEN);
  }

  /** A leader gives a put back to the queue unwritten; false if its caller has orphaned it. */
  boolean requeue() {
    return state.compareAndSet(State.TAKEN, State.QUEUED);
  }

  /**
   * A leader hands the put back to its caller to write alone; false if its caller has orphaned it.
   */
  boolean divert() {
    if (state.compareAndSet(State.TAKEN, State.DIVERTED)) {
      wakeCaller();
      return true;
    }
    return false;
  }

  /**
   * Records the revision the put committed at; false if nobody waits for it any more (orphaned).
   */
  boolean complete(long revision) {
    rev = revision;
    return finish();
  }

  /** Records that the put failed; false if nobody waits for it any more (orphaned). */
  boolean fail(RuntimeException e) {
    failure = e;
    return finish();
  }

  private boolean finish() {
    if (state.compareAndSet(State.TAKEN, State.DONE)) {
      wakeCaller();
      return true;
    }
    return false;
  }

  /** The caller gives up on a put no leader has taken: it will never be written. */
  boolean abandon() {
    return state.compareAndSet(State.QUEUED, State.ABANDONED);
  }

  /** The caller gives up on a put a leader is writing: it may still commit. */
  boolean orphan() {
    return state.compareAndSet(State.TAKEN, State.ORPHANED);
  }

  /** Unparks the caller, unless it is the running thread itself. */
  void wakeCaller() {
    if (caller != Thread.currentThread()) {
      LockSupport.unpark(caller);
    }
  }

  /** Tells a waiting caller to try to lead; remembered if it is not waiting yet. */
  void wake() {
    woken = true;
    wakeCaller();
  }

  /**
   * Parks the caller until its put leaves the queue or the leader's hands, it is woken to lead (a
   * wake-up given before the wait counts), the deadline passes or the thread is interrupted (the
   * interrupt stays set). Parking needs no monitor, so a put allocates none.
   */
  void await() {
    while (!woken && isWaiting() && !deadline.passed() && !caller.isInterrupted()) {
      LockSupport.parkNanos(this, deadline.remainingNanos());
    }
    woken = false;
  }

  private boolean isWaiting() {
    State s = state.get();
    return s == State.QUEUED || s == State.TAKEN;
  }

  long result() {
    if (failure != null) {
      throw failure;
    }
    return rev;
  }

  /** A failure of this put alone, with its own message, naming its key and cache. */
  CacheException failure(String what, Throwable cause) {
    return new CacheException("storing " + describe() + " in PostgreSQL " + what, cause);
  }
}
