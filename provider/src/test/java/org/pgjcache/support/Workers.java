package org.pgjcache.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a test's concurrent tasks, released together so they really race, and waits for them within
 * a deadline; the first failure of any task fails the test. Closing stops whatever is still
 * running.
 */
public final class Workers implements AutoCloseable {

  /** A task that may throw. */
  @FunctionalInterface
  public interface Task {
    void run() throws Exception;
  }

  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "test-worker");
            t.setDaemon(true);
            return t;
          });
  private final CountDownLatch start = new CountDownLatch(1);
  private final List<Future<?>> futures = new ArrayList<>();

  /** Adds a task; it waits for {@link #start()}. */
  public void add(Task task) {
    futures.add(
        pool.submit(
            () -> {
              start.await();
              task.run();
              return null;
            }));
  }

  /** Releases every task added so far at once. */
  public void start() {
    start.countDown();
  }

  /** Waits for every task; rethrows the first failure. */
  public void join(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    for (Future<?> future : futures) {
      try {
        future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        throw (Error) cause;
      } catch (TimeoutException e) {
        throw new AssertionError("workers did not finish within " + within, e);
      }
    }
  }

  @Override
  public void close() {
    start.countDown();
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new AssertionError("test workers did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping the test workers", e);
    }
  }
}
