package org.pgjcache.backend.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.pgjcache.backend.Closing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connection of a database call that is still running at its {@link Deadline}.
 *
 * <p>The database's statement timeout ends a slow statement, and its answer ends the call; but a
 * server that does not answer at all (a stopped process, a network that drops every packet) sends
 * no answer, not even to a cancellation. So every call that holds a pooled connection is watched,
 * and one still running at its deadline has its connection aborted (the socket closed): the thread
 * in it fails at once, whatever it was doing — waiting for an answer, blocked sending, or running
 * an entry processor between two statements. The pool then discards the connection.
 *
 * <p>Watching costs the caller a set insertion and removal, no system call and nothing sent: the
 * watchdog's one thread sleeps until the earliest deadline it knows of, and looks at least every
 * {@code maxSleep} for calls watched meanwhile, so a new call wakes it only if its deadline comes
 * sooner than the thread's next look.
 */
final class Watchdog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

  private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
  private final long maxSleepNanos;
  private final Thread thread;

  /** When the thread looks next ({@code System.nanoTime()}); published before each look. */
  private volatile long nextLook;

  private volatile String closedBy;
  private volatile boolean closed;

  /**
   * Starts the watchdog's thread.
   *
   * @param maxSleepMillis the longest the thread sleeps between looks; a quarter of the shortest
   *     deadline is a good choice, so that a call almost never has to wake it
   */
  Watchdog(String threadName, long maxSleepMillis) {
    this.maxSleepNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, maxSleepMillis));
    this.nextLook = System.nanoTime() + maxSleepNanos;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Watches a call on {@code connection} until its deadline; close the watch when the call is over.
   * Once the watchdog is closed, the connection is cut at once.
   */
  Watch watch(Connection connection, Deadline deadline) {
    Watch watch = new Watch(connection, deadline.at());
    watched.add(watch);
    if (closed) {
      watch.cut(closedBy);
    } else if (deadline.at() - nextLook < 0) {
      LockSupport.unpark(thread);
    }
    return watch;
  }

  /** Cuts every watched call now, saying why; returns how many there were. */
  int cutAll(String why) {
    int cut = 0;
    for (Watch watch : watched) {
      if (watch.cut(why)) {
        cut++;
      }
    }
    return cut;
  }

  private void run() {
    while (!closed) {
      long now = System.nanoTime();
      long next = now + maxSleepNanos;
      nextLook = next;
      for (Watch watch : watched) {
        long at = watch.at;
        if (at - now <= 0) {
          watch.cut(null);
        } else if (at - next < 0) {
          next = at;
        }
      }
      nextLook = next;
      LockSupport.parkNanos(this, next - System.nanoTime());
    }
  }

  /**
   * Cuts every call still running, and every call that starts from now on, saying {@code why};
   * stops the thread. Returns how many calls were cut.
   */
  int close(String why) {
    closedBy = why;
    closed = true;
    int cut = cutAll(why);
    LockSupport.unpark(thread);
    try {
      long wait = Closing.teardownMillis(1_000);
      if (wait > 0) {
        thread.join(wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return cut;
  }

  @Override
  public void close() {
    close("the database connections are closing");
  }

  /** One call's connection and deadline. */
  final class Watch implements AutoCloseable {

    private final Connection connection;
    private final AtomicBoolean over = new AtomicBoolean();

    /** The deadline, {@code System.nanoTime()}; moved on by {@link #renew} only. */
    private volatile long at;

    /** Why the connection was cut other than by its deadline, written before {@link #cut}. */
    private volatile String closedBy;

    private volatile boolean cut;

    private Watch(Connection connection, long at) {
      this.connection = connection;
      this.at = at;
    }

    /**
     * Moves the deadline on to {@code at}, a {@code System.nanoTime()} value (a long read that
     * keeps receiving rows is bounded per answer, not in total).
     */
    void renew(long at) {
      this.at = at;
    }

    /**
     * Whether the watchdog closed the connection (the call ran out of time, or the backend closed).
     */
    boolean wasCut() {
      return cut;
    }

    /** What closed the connection if not its deadline (the backend closing), else null. */
    String closedBy() {
      return closedBy;
    }

    private boolean cut(String why) {
      if (!over.compareAndSet(false, true)) {
        return false;
      }
      watched.remove(this);
      closedBy = why;
      cut = true;
      try {
        connection.abort(Runnable::run);
      } catch (SQLException e) {
        LOG.debug("aborting a connection past its deadline failed; it is closed anyway", e);
      }
      return true;
    }

    /** The call is over; from now on its connection is none of the watchdog's business. */
    @Override
    public void close() {
      if (over.compareAndSet(false, true)) {
        watched.remove(this);
      }
    }
  }
}
