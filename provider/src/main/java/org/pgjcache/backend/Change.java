package org.pgjcache.backend;

/**
 * A committed change made by another cache instance, as delivered to a subscriber.
 *
 * @param op what happened
 * @param key canonical key text; null for {@link Op#CLEAR} and {@link Op#DESTROY}
 * @param rev revision of the change
 * @param value the new value bytes for {@link Op#PUT}; never null for a PUT that is delivered
 * @param expireAt the entry's expiry instant after a PUT or TOUCH
 * @param prior the entry this change replaced (value null when there was none), when the backend
 *     knows it; null when not. A node that does not hold the key needs it for the change's old
 *     value and to tell an update from a creation.
 */
public record Change(Op op, String key, long rev, byte[] value, long expireAt, Row prior) {

  /** A change whose prior entry is not known (a node that holds the key does not need it). */
  public Change(Op op, String key, long rev, byte[] value, long expireAt) {
    this(op, key, rev, value, expireAt, null);
  }

  /** An entry for {@link #prior}: the key had no value before the change. */
  public static Row none(String key) {
    return new Row(key, null, 0, Row.ETERNAL);
  }
}
