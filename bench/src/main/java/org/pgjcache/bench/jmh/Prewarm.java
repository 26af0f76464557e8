package org.pgjcache.bench.jmh;

import java.util.concurrent.TimeUnit;
import javax.cache.Cache;

/**
 * One pass of a benchmark's own operation during set-up, bounded in time. JMH's warm-up is the same
 * short time for every peer, which is thousands of calls for the fast ones but only hundreds for a
 * client whose first calls take milliseconds (Redisson's first gets do); this gives every peer a
 * comparable start.
 */
final class Prewarm {

  static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(3);

  private Prewarm() {}

  static void gets(Cache<Long, String> cache, Long[] keys) {
    long deadline = System.nanoTime() + BUDGET_NANOS;
    for (int i = 0; i < keys.length && System.nanoTime() < deadline; i++) {
      cache.get(keys[i]);
    }
  }

  static void puts(Cache<Long, String> cache, Long[] keys, String[] values) {
    long deadline = System.nanoTime() + BUDGET_NANOS;
    for (int i = 0; i < keys.length && System.nanoTime() < deadline; i++) {
      cache.put(keys[i], values[i]);
    }
  }

  /** Runs {@code action} up to {@code times} times within the budget. */
  static void repeat(int times, Runnable action) {
    long deadline = System.nanoTime() + BUDGET_NANOS;
    for (int i = 0; i < times && System.nanoTime() < deadline; i++) {
      action.run();
    }
  }
}
