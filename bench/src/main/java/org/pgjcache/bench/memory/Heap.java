package org.pgjcache.bench.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap in use after full collections: the difference of two readings is what was retained in
 * between.
 */
final class Heap {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private Heap() {}

  static long usedAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /**
   * Bytes of an {@code Object[]} of {@code length} references (compressed oops, 16-byte header).
   */
  static long referenceArray(int length) {
    return align(16 + 4L * length);
  }

  private static long align(long bytes) {
    return (bytes + 7) / 8 * 8;
  }
}
