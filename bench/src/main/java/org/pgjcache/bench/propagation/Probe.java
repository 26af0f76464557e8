package org.pgjcache.bench.propagation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Timestamps of one series of updates: when each write started and returned on the writer, and when
 * the receiver heard of it. Sequence numbers ride in the value or payload, so the receiver can be
 * any thread.
 */
final class Probe {

  /** What a writer does for update {@code seq}. */
  @FunctionalInterface
  interface Write {
    void write(int seq) throws Exception;
  }

  private final long[] started;
  private final long[] returned;
  private final long[] received;
  private final AtomicInteger count = new AtomicInteger();
  private volatile int offset;

  Probe(int updates) {
    started = new long[updates];
    returned = new long[updates];
    received = new long[updates];
  }

  int size() {
    return started.length;
  }

  /** Makes sequence numbers {@code offset .. offset+size-1} the ones this probe records. */
  void expect(int first) {
    offset = first;
  }

  /** Called by a receiver; anything outside the expected range (warm-up, echoes) is ignored. */
  void heard(int seq) {
    long now = System.nanoTime();
    int index = seq - offset;
    if (index >= 0 && index < received.length && received[index] == 0) {
      received[index] = now;
      count.incrementAndGet();
    }
  }

  /** Writes every update, either back to back or starting 1 ms apart. */
  void run(int firstSeq, boolean paced, Write write) throws Exception {
    long period = TimeUnit.MILLISECONDS.toNanos(1);
    long next = System.nanoTime();
    for (int i = 0; i < started.length; i++) {
      if (paced) {
        long wait;
        while ((wait = next - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        next += period;
      }
      started[i] = System.nanoTime();
      write.write(firstSeq + i);
      returned[i] = System.nanoTime();
    }
  }

  /** Takes the write times of another probe that watched the same writes. */
  void copyWriteTimes(Probe writer) {
    System.arraycopy(writer.started, 0, started, 0, started.length);
    System.arraycopy(writer.returned, 0, returned, 0, returned.length);
  }

  /** When each update was heard (0: not heard), for a receiver in another JVM to report. */
  long[] receivedTimes() {
    return received.clone();
  }

  /**
   * The time from each heard update's write return to its receipt in microseconds (0 when heard
   * first), for receipts taken by a receiver in another JVM of the same machine: {@link
   * System#nanoTime()} reads the system's monotonic clock on Linux, which all processes share.
   */
  double[] fromReturnMicros(long[] receivedTimes) {
    double[] out = new double[receivedTimes.length];
    int n = 0;
    for (int i = 0; i < receivedTimes.length && i < returned.length; i++) {
      if (receivedTimes[i] != 0) {
        out[n++] = Math.max(0, receivedTimes[i] - returned[i]) / 1000.0;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Waits (bounded) until every update was heard. */
  boolean await(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (count.get() < received.length && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return count.get() == received.length;
  }

  /** Percentiles in microseconds, of the time from the write's return (or start) to its receipt. */
  Map<String, Object> summary(String system, String receiver, boolean paced) {
    int heard = count.get();
    double[] fromReturn = new double[heard];
    double[] fromStart = new double[heard];
    double[] writes = new double[started.length];
    int beforeReturn = 0;
    int n = 0;
    for (int i = 0; i < started.length; i++) {
      writes[i] = (returned[i] - started[i]) / 1000.0;
      if (received[i] == 0 || n == heard) {
        continue;
      }
      long afterReturn = received[i] - returned[i];
      if (afterReturn < 0) {
        beforeReturn++;
      }
      fromReturn[n] = Math.max(0, afterReturn) / 1000.0;
      fromStart[n] = (received[i] - started[i]) / 1000.0;
      n++;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("system", system);
    out.put("receiver", receiver);
    out.put("mode", paced ? "paced" : "back-to-back");
    out.put("updates", started.length);
    out.put("received", heard);
    out.put("heardBeforeWriteReturned", beforeReturn);
    out.put("fromReturnMicros", percentiles(fromReturn));
    out.put("fromStartMicros", percentiles(fromStart));
    out.put("writeMicros", percentiles(writes));
    return out;
  }

  static Map<String, Double> percentiles(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("p50", at(sorted, 0.50));
    out.put("p90", at(sorted, 0.90));
    out.put("p99", at(sorted, 0.99));
    out.put("p999", at(sorted, 0.999));
    out.put("max", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
    return out;
  }

  private static double at(double[] sorted, double quantile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** The sequence number at the start of a value or payload: digits up to the first ':'. */
  static int sequenceOf(String text) {
    int seq = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      seq = seq * 10 + (c - '0');
    }
    return seq;
  }
}
