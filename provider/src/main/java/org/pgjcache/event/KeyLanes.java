package org.pgjcache.event;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the synchronous deliveries of each key in the order they were published, which is the key's
 * revision order (publishing happens while the replica holds the key), although they run on
 * whichever threads made the changes: an operation's own thread, or the thread applying another
 * node's change. Two such threads would otherwise race from the replica to the listener, and the
 * later revision could reach it first.
 *
 * <p>Whoever fires first delivers every earlier delivery of the key still pending, whoever
 * published it, so no thread waits for another to come round to firing (or for one that never will,
 * because its operation failed); a thread only waits while another is delivering that key, and then
 * for at most {@link #LOCK_WAIT_MILLIS} before it delivers its own out of order rather than hang. A
 * listener that calls back into the cache fires its own events inside the delivery that called it,
 * on the same lane.
 */
final class KeyLanes {

  /** Longest wait for another thread's delivery of the same key before giving up on its order. */
  static final long LOCK_WAIT_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(KeyLanes.class);

  private final ConcurrentHashMap<Object, Lane> lanes = new ConcurrentHashMap<>();

  /**
   * Queues a delivery behind the key's earlier ones; call while the key is held. The returned task
   * delivers it (and what is queued before it), rethrowing what the listener threw.
   */
  Runnable enqueue(Object key, Runnable delivery) {
    Item item = new Item(delivery);
    Lane lane =
        lanes.compute(
            key,
            (k, current) -> {
              Lane next = current == null ? new Lane(k) : current;
              synchronized (next) {
                next.items.add(item);
              }
              return next;
            });
    return () -> fire(lane, item);
  }

  /** Number of keys with deliveries pending or under way (for tests). */
  int activeKeys() {
    return lanes.size();
  }

  private void fire(Lane lane, Item item) {
    if (!item.isDone()) {
      boolean locked = lock(lane);
      try {
        if (locked) {
          drainUntil(lane, item);
        } else {
          LOG.warn(
              "a synchronous listener has held up the events of one key for {} ms; delivering"
                  + " one of them out of order",
              LOCK_WAIT_MILLIS);
          item.run();
        }
      } finally {
        if (locked) {
          lane.lock.unlock();
        }
        retireIfIdle(lane);
      }
    }
    item.rethrow();
  }

  private static boolean lock(Lane lane) {
    try {
      return lane.lock.tryLock(LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void drainUntil(Lane lane, Item item) {
    while (!item.isDone()) {
      Item head;
      synchronized (lane) {
        head = lane.items.poll();
      }
      if (head == null) {
        // ours was claimed by a thread that gave up waiting and ran it out of order
        return;
      }
      head.run();
    }
  }

  private void retireIfIdle(Lane lane) {
    lanes.computeIfPresent(
        lane.key,
        (k, current) -> {
          if (current != lane) {
            return current;
          }
          synchronized (current) {
            return current.items.isEmpty() ? null : current;
          }
        });
  }

  /** The pending deliveries of one key and the lock that orders their start. */
  private static final class Lane {
    final Object key;
    final ReentrantLock lock = new ReentrantLock();
    final ArrayDeque<Item> items = new ArrayDeque<>();

    Lane(Object key) {
      this.key = key;
    }
  }

  /**
   * One delivery; runs once, whichever thread gets to it, and keeps what it threw for its owner.
   */
  private static final class Item {
    private final Runnable delivery;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile boolean done;
    private volatile Throwable failure;

    Item(Runnable delivery) {
      this.delivery = delivery;
    }

    boolean isDone() {
      return done;
    }

    void run() {
      if (!claimed.compareAndSet(false, true)) {
        return;
      }
      try {
        delivery.run();
      } catch (RuntimeException | Error e) {
        failure = e;
      } finally {
        done = true;
      }
    }

    void rethrow() {
      Throwable thrown = failure;
      if (thrown instanceof RuntimeException e) {
        throw e;
      }
      if (thrown instanceof Error e) {
        throw e;
      }
    }
  }
}
