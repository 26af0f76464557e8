package org.pgjcache.event;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared executor: one per
 * asynchronous listener, so its events stay ordered without a thread of its own.
 */
final class SerialQueue {

  private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

  private final Executor executor;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;
  private int inFlight;

  SerialQueue(Executor executor) {
    this.executor = executor;
  }

  void submit(Runnable task) {
    boolean start;
    synchronized (this) {
      tasks.add(task);
      inFlight++;
      start = !running;
      running = true;
    }
    if (start) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        LOG.debug("event executor shut down; running listener task inline", e);
        drain();
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
          notifyAll();
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        LOG.warn("asynchronous cache entry listener failed", e);
      } finally {
        synchronized (this) {
          inFlight--;
        }
      }
    }
  }

  /** Waits until every task submitted so far has run, or the timeout passes. */
  synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (inFlight > 0 || running) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }
}
