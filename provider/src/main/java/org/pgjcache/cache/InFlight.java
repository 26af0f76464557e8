package org.pgjcache.cache;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The background work of one cache ({@code loadAll}) still running: closing the cache waits for it,
 * so the loader is never used after it was closed.
 */
final class InFlight implements Executor {

  private final Executor executor;
  private int running;

  InFlight(Executor executor) {
    this.executor = executor;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      running++;
    }
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } finally {
              done();
            }
          });
    } catch (RejectedExecutionException e) {
      done();
      throw e;
    }
  }

  private synchronized void done() {
    running--;
    notifyAll();
  }

  /** Waits until no task is running, or the timeout passes; returns whether all finished. */
  synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (running > 0) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }
}
