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
   * Another node's heartbeat compared this cache with the database ({@code whole}, or only what
   * changed). When {@code repairedFrom} is above 0 it repaired rows that had changed without being
   * announced (SQL with the trigger's revisions but no notification, a restored row, a row that
   * became visible late), which this node most likely missed too: the subscriber compares the
   * changes from that revision now rather than at its next heartbeat; the database, not this
   * message, says what changed. A whole comparison stands in for this node's own periodic net.
   */
  default void onComparedElsewhere(long repairedFrom, boolean whole) {}
}
