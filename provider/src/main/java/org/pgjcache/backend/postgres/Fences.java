package org.pgjcache.backend.postgres;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.backend.Subscription;

/**
 * Fences for new subscribers (see {@link Subscribers#addFenced}): a marker notification per new
 * subscription, sent after it attached and before its cache loads, that opens it when it comes back
 * on the LISTEN connection. Notifications arrive in commit order, so whatever came before the
 * marker was committed before the load and is already in it (or older than it).
 *
 * <p>The marker is a gap notice for a cache name no cache uses: nodes of any version ignore it, and
 * every node consumes it without counting it as corrupt.
 */
final class Fences {

  /** The cache name of fence markers. */
  static final String CACHE = "pgjcache.fence";

  private final Subscribers subscribers;
  private final NoticeLanes lanes;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  Fences(Subscribers subscribers, NoticeLanes lanes) {
    this.subscribers = subscribers;
    this.lanes = lanes;
  }

  /** A subscription waiting for its marker. */
  static final class Pending {
    final String cache;
    final Subscription subscription;
    final CountDownLatch passed = new CountDownLatch(1);

    Pending(String cache, Subscription subscription) {
      this.cache = cache;
      this.subscription = subscription;
    }
  }

  /** The payload of the marker of {@code subscription} (a complete gap notice). */
  static String payload(Subscription subscription) {
    return Payloads.gap(CACHE, subscription.origin());
  }

  /** Starts waiting for the marker of a fenced subscription. */
  Pending expect(String cache, Subscription subscription) {
    Pending p = new Pending(cache, subscription);
    pending.put(subscription.origin(), p);
    return p;
  }

  /**
   * Called on the notification thread for every parsed notice: opens the subscription a marker is
   * for, in its place in the stream (in its cache's lane, after the changes that came before it).
   * Returns whether the notice was a marker (of any node).
   */
  boolean passed(Payloads.Notice notice) {
    if (notice.op() != 'G' || !CACHE.equals(notice.cache())) {
      return false;
    }
    Pending p = pending.get(notice.origin());
    if (p != null) {
      lanes.submit(
          p.cache,
          () -> {
            if (pending.remove(p.subscription.origin(), p)) {
              subscribers.open(p.subscription);
            }
            p.passed.countDown();
          });
    }
    return true;
  }

  /** Gives up waiting (the marker was lost with the connection): opens the subscription now. */
  void abandon(Pending p) {
    if (pending.remove(p.subscription.origin(), p)) {
      subscribers.open(p.subscription);
    }
  }
}
