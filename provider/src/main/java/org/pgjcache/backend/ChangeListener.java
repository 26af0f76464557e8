package org.pgjcache.backend;

/**
 * Receives the changes that other cache instances commit to one cache.
 *
 * <p>Calls for one cache come from one thread, in commit order. Implementations must not block for
 * long: they hold up every other cache of the same backend.
 */
public interface ChangeListener {

  void onChange(Change change);

  /**
   * The backend may have missed changes (it lost its notification connection, or a checksum did not
   * match): the subscriber should reconcile with the backend's current state.
   */
  void onPossibleGap();
}
