package org.pgjcache.cache;

import javax.cache.processor.EntryProcessor;

/** The counter the cluster tests increment from many threads and nodes. */
final class Counters {

  /**
   * Increments a counter (absent counts as 0) and returns the new value; runs in the calling JVM (a
   * lambda, not serializable).
   */
  static final EntryProcessor<String, Long, Long> INCREMENT =
      (entry, args) -> {
        long next = (entry.exists() ? entry.getValue() : 0L) + 1;
        entry.setValue(next);
        return next;
      };

  private Counters() {}
}
