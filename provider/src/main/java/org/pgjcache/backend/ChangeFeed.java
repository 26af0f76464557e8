package org.pgjcache.backend;

import org.pgjcache.ListenStatus;

/**
 * How other nodes' changes reach this node's caches: subscriptions per cache, the order in which
 * they are applied, and whether the node hears them at all. The store announces what it writes;
 * this is the receiving end, kept apart so that its health can be reported (and its failures
 * contained) without touching the write path.
 */
public interface ChangeFeed {

  /** Attaches a cache instance; changes by others arrive on {@code listener}. */
  Subscription subscribe(String cache, ChangeListener listener);

  /**
   * Runs {@code task} after every change of {@code cache} this node has received and not yet
   * applied, on the thread that applies them (a listener that blocks there holds up this cache
   * only); inline where changes are applied as they are made.
   */
  default void runInOrder(String cache, Runnable task) {
    task.run();
  }

  /**
   * Where this node reports the expiry instants it learns of (its own writes, other nodes' changes,
   * touches), so the reaper can sweep when something is due rather than only every interval.
   */
  ExpiryHints expiryHints();

  default ListenStatus listenStatus() {
    return ListenStatus.inProcess(0);
  }

  /**
   * Checks that this node hears the changes it is sent: each heartbeat calls this. A backend whose
   * notification connection may be deaf (open, yet hearing nothing) sends itself one and reports
   * itself not listening ({@link #listenStatus()}) if it does not come back in time.
   */
  default void probeListen() {}

  /**
   * Tells the other nodes that a heartbeat of {@code origin} compared its instance of {@code cache}
   * with the database ({@link ChangeListener#onComparedElsewhere}): {@code whole}, or only what
   * changed; and, when {@code repairedFrom} is above 0, that it repaired rows that had changed
   * without an announcement, the oldest of them at that revision, which the others most likely
   * missed too. Best effort: a node that does not hear it finds the rows at its own heartbeat.
   */
  default void announceCompared(String cache, String origin, long repairedFrom, boolean whole) {}

  default long listenReconnects() {
    return 0;
  }

  /** How many notifications could not be parsed and were skipped. */
  default long corruptNotifications() {
    return 0;
  }

  /** How many of those did not carry pgjcache's HMAC (sent by someone else). */
  default long forgedNotifications() {
    return 0;
  }
}
