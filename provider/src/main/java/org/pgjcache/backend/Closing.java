package org.pgjcache.backend;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of a cache manager's close, known to everything the closing thread does on the way.
 *
 * <p>A close writes a little (pending accessed-expiry updates, the node's row) and waits for
 * background work (listeners, heartbeats, the reaper, notification lanes) before it lets go of the
 * connections. Each of those has a bound of its own, and one after another they would add up; with
 * the database frozen, each would be spent in full. So the whole close gets one bound, and every
 * database call and every wait made while it runs takes what is left of it, never more. The last
 * {@link #TEARDOWN_MILLIS} are kept for the teardown itself (closing sockets, stopping threads),
 * which needs no database.
 *
 * <p>The deadline lives in a thread-local, so the layers between the manager and the database need
 * no new parameters; it applies to the closing thread only, never to other threads' calls.
 */
public final class Closing {

  /** What the teardown keeps of the bound (at most a quarter of it). */
  public static final long TEARDOWN_MILLIS = 250;

  /** {@code System.nanoTime()} by which the close returns, and by which its orderly part ends. */
  private record Deadlines(long teardownBy, long orderlyBy) {}

  private static final ThreadLocal<Deadlines> CURRENT = new ThreadLocal<>();

  private Closing() {}

  /**
   * Runs a close that must return within {@code bound}; a close nested in another (a cache closed
   * by its manager) keeps the outer deadline.
   */
  public static void within(Duration bound, Runnable close) {
    if (CURRENT.get() != null) {
      close.run();
      return;
    }
    long boundNanos = bound.toNanos();
    long teardownBy = System.nanoTime() + boundNanos;
    long reserve = Math.min(TimeUnit.MILLISECONDS.toNanos(TEARDOWN_MILLIS), boundNanos / 4);
    CURRENT.set(new Deadlines(teardownBy, teardownBy - reserve));
    try {
      close.run();
    } finally {
      CURRENT.remove();
    }
  }

  /** Whether the calling thread is closing a cache manager. */
  public static boolean active() {
    return CURRENT.get() != null;
  }

  /**
   * A deadline ({@code System.nanoTime()}) for a database call of the calling thread: {@code at},
   * or earlier if the thread is closing and its close must be over sooner.
   */
  public static long cap(long at) {
    Deadlines current = CURRENT.get();
    return current == null || at - current.orderlyBy < 0 ? at : current.orderlyBy;
  }

  /**
   * How long the calling thread may wait for background work: {@code usual}, or less if it is
   * closing and the orderly part of its close ends sooner (zero once it has).
   */
  public static long waitMillis(long usual) {
    Deadlines current = CURRENT.get();
    return current == null ? usual : Math.min(usual, left(current.orderlyBy));
  }

  /** As {@link #waitMillis}, for the teardown: up to the close's own deadline. */
  public static long teardownMillis(long usual) {
    Deadlines current = CURRENT.get();
    return current == null ? usual : Math.min(usual, left(current.teardownBy));
  }

  private static long left(long by) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(by - System.nanoTime()));
  }
}
