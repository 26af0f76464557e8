package org.pgjcache.backend.postgres;

import org.pgjcache.backend.Write;

/**
 * Where the outcome of a put goes when its caller is no longer there to apply it: the caller timed
 * out or was interrupted after a leader had taken its put into a statement. Without this, a node
 * would never see its own committed put (it skips the notifications it sent itself) until a
 * heartbeat repaired it.
 */
interface PutOutcomes {

  /**
   * A put committed at {@code rev} after its caller stopped waiting: apply it to its origin's
   * replica.
   */
  void committedUnseen(String cache, String origin, Write write, long rev);

  /**
   * Puts of {@code cache} may or may not have committed (the connection broke): reconcile the
   * cache.
   */
  void unknown(String cache);
}
