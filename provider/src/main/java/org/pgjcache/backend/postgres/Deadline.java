package org.pgjcache.backend.postgres;

import java.util.concurrent.TimeUnit;

/**
 * The instant by which a put must have returned, fixed when it is called. Time spent queued in the
 * combiner, waiting for a pooled connection and in the database all count against it, so a caller that
 * waited for others never starts a fresh timeout of its own.
 */
final class Deadline {

  private final long at;

  private Deadline(long at) {
    this.at = at;
  }

  /** The instant {@code millis} from now. */
  static Deadline after(long millis) {
    return new Deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
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
