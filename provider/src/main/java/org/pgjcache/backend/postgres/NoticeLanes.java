package org.pgjcache.backend.postgres;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.pgjcache.backend.Closing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where notifications are applied, so that the LISTEN reader only reads: one lane per cache, run
 * one task at a time in arrival order (so a key's changes stay in commit order) on a thread
 * borrowed from a pool that grows with the number of busy caches. Fetching rows, decoding values
 * and synchronous listeners run here; a cache whose listener blocks holds up its own lane only, and
 * the reader keeps answering its liveness probe.
 *
 * <p>A lane holds at most {@link #MAX_QUEUED} tasks. Beyond that the oldest work of that cache is
 * dropped and the cache reconciles instead (one gap): memory stays bounded whatever a listener
 * does.
 */
final class NoticeLanes implements AutoCloseable {

  static final int MAX_QUEUED = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(NoticeLanes.class);
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final ThreadLocal<Boolean> IN_LANE = new ThreadLocal<>();

  private final ExecutorService threads;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final Consumer<String> onOverflow;
  private final AtomicLong overflows = new AtomicLong();

  /**
   * @param onOverflow what to run (in the lane, after the drop) for a cache whose lane overflowed:
   *     ask it to reconcile
   */
  NoticeLanes(Consumer<String> onOverflow) {
    this.onOverflow = onOverflow;
    int pool = POOLS.incrementAndGet();
    AtomicInteger number = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            runnable -> {
              Thread thread =
                  new Thread(
                      () -> {
                        IN_LANE.set(Boolean.TRUE);
                        runnable.run();
                      },
                      "pgjcache-apply-" + pool + "-" + number.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Whether the calling thread applies notifications (it must not wait for one). */
  static boolean isLaneThread() {
    return Boolean.TRUE.equals(IN_LANE.get());
  }

  /** How many times a lane overflowed and its cache was reconciled instead. */
  long overflows() {
    return overflows.get();
  }

  /** Runs {@code task} in the lane of {@code cache}, after everything submitted to it before. */
  void submit(String cache, Runnable task) {
    lanes.computeIfAbsent(cache, Lane::new).submit(task);
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      long wait = Closing.teardownMillis(5_000);
      if (!threads.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "notification lanes still busy {} ms after close (a listener that does not"
                + " return?)",
            wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Lane {
    private final String cache;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private boolean overflowed;

    Lane(String cache) {
      this.cache = cache;
    }

    void submit(Runnable task) {
      boolean start;
      synchronized (this) {
        if (tasks.size() >= MAX_QUEUED) {
          tasks.clear();
          if (!overflowed) {
            overflowed = true;
            overflows.incrementAndGet();
            LOG.warn(
                "cache '{}': more than {} notifications waiting (a slow listener?); dropped"
                    + " them, the cache reconciles instead",
                cache,
                MAX_QUEUED);
          }
          tasks.add(() -> onOverflow.accept(cache));
        }
        tasks.add(task);
        start = !running;
        running = true;
      }
      if (start) {
        try {
          threads.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          synchronized (this) {
            running = false;
            tasks.clear();
          }
          LOG.debug("cache '{}': notification lanes closed; dropped what was waiting", cache);
        }
      }
    }

    private void drain() {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = tasks.poll();
          if (next == null) {
            running = false;
            overflowed = false;
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          LOG.error("cache '{}': applying a notification failed; the lane goes on", cache, e);
        }
        if (Thread.currentThread().isInterrupted()) {
          synchronized (this) {
            running = false;
            tasks.clear();
          }
          return;
        }
      }
    }
  }
}
