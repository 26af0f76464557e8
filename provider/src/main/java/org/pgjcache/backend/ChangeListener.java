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

  /**
   * Another node repaired this cache: rows changed without being announced (SQL with the trigger's
   * revisions but no notification, a restored row), which this node most likely missed too. The
   * subscriber compares the changes since it was last in line now rather than at its next
   * heartbeat; the database, not this message, says what changed.
   */
  default void onRepairedElsewhere() {}
}
