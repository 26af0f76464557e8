package org.pgjcache.examples.config;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts this node's requests per endpoint in fixed windows and refuses those over the endpoint's
 * current limit. The counting is local (each node enforces the limit on its own traffic); the limit
 * is looked up in {@link RateLimits} on every request, which costs a replica read, so a limit
 * changed on any node takes effect here at once.
 */
public final class RateLimiter {

  private final RateLimits limits;
  private final long windowNanos;
  private final LongSupplier clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /**
   * A limiter on the system clock.
   *
   * @param limits where the limits come from
   * @param window the length of a counting window
   */
  public RateLimiter(RateLimits limits, Duration window) {
    this(limits, window, System::nanoTime);
  }

  /**
   * A limiter on a given clock, for tests.
   *
   * @param limits where the limits come from
   * @param window the length of a counting window
   * @param clock nanoseconds, like {@link System#nanoTime()}
   */
  public RateLimiter(RateLimits limits, Duration window, LongSupplier clock) {
    this.limits = limits;
    this.windowNanos = window.toNanos();
    this.clock = clock;
  }

  /**
   * Counts one request if the endpoint's limit allows it in the current window.
   *
   * @param endpoint the endpoint called
   * @return true if the request may go ahead
   */
  public boolean tryAcquire(String endpoint) {
    long window = Math.floorDiv(clock.getAsLong(), windowNanos);
    int limit = limits.limitFor(endpoint);
    Window current =
        windows.compute(
            endpoint, (k, w) -> w == null || w.index != window ? new Window(window, 0) : w);
    synchronized (current) {
      if (current.count >= limit) {
        return false;
      }
      current.count++;
      return true;
    }
  }

  /** One endpoint's count in one window. */
  private static final class Window {
    final long index;
    int count;

    Window(long index, int count) {
      this.index = index;
      this.count = count;
    }
  }
}
