package org.pgjcache.event;

import java.util.ArrayList;
import java.util.List;
import javax.cache.event.CacheEntryListenerException;

/**
 * The synchronous deliveries one operation owes, run once its changes are applied: a synchronous
 * listener must have heard of a change before the operation that made it returns, but it must not
 * run while the replica holds the key's slot (it may call back into the cache).
 */
public final class EventBatch {

  private List<Runnable> deliveries;

  void add(Runnable delivery) {
    if (deliveries == null) {
      deliveries = new ArrayList<>(2);
    }
    deliveries.add(delivery);
  }

  /**
   * Runs every delivery; the first listener failure is rethrown after the rest have run, wrapped in
   * a {@link CacheEntryListenerException} unless it is an {@link Error} or already one.
   */
  public void fire() {
    if (deliveries == null) {
      return;
    }
    RuntimeException failure = null;
    for (Runnable delivery : deliveries) {
      try {
        delivery.run();
      } catch (CacheEntryListenerException e) {
        failure = failure == null ? e : failure;
      } catch (RuntimeException e) {
        failure = failure == null ? new CacheEntryListenerException(e) : failure;
      }
    }
    deliveries = null;
    if (failure != null) {
      throw failure;
    }
  }
}
