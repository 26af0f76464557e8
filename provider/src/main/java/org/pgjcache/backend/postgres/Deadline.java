package org.pgjcache.backend.postgres;

import java.util.concurrent.TimeUnit;
import org.pgjcache.backend.Closing;

/**
 * The instant by which a database call must have returned, fixed when it is called. Time spent
 * queued in the combiner, waiting for a pooled connection and in the database all count against it,
 * so a caller that waited for others never starts a fresh timeout of its own; the {@link Watchdog}
 * closes the connection of a call still running at its deadline.
 */
final class Deadline {

  private final long at;

  private Deadline(long at) {
    this.at = at;
  }

  /**
   * The instant {@code millis} from now, or earlier if the calling thread is closing a cache
   * manager whose close must be over sooner ({@link Closing}).
   */
  static Deadline after(long millis) {
    return new Deadline(Closing.cap(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis)));
  }

  /** The deadline as a {@code System.nanoTime()} value. */
  long at() {
    return at;
  }

  long remainingNanos() {
    return at - System.nanoTime();
  }

  /** Whole milliseconds left, rounded down; zero or less once the deadline has passed. */
  long remainingMillis() {
    return TimeUnit.NANOSECONDS.toMillis(remainingNanos());
  }

  boolean passed() {
    return remainingNanos() <= 0;
  }
}
