package org.pgjcache.backend;

import java.util.function.LongConsumer;

/**
 * Where a backend's caches report the expiry instants they learn of, and where its reaper listens
 * (see {@link Backend#expiryHints()}): the backend passes them on without knowing who listens.
 */
public final class ExpiryHints {

  private volatile LongConsumer listener = at -> {};

  /** Sends every later instant to {@code listener} (one listener: the backend's reaper). */
  public void listen(LongConsumer listener) {
    this.listener = listener;
  }

  /** Reports an expiry instant, epoch milliseconds on the database clock. */
  public void expiresAt(long expireAt) {
    listener.accept(expireAt);
  }
}
