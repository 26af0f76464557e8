package org.pgjcache.backend;

/**
 * A committed change made by another cache instance, as delivered to a subscriber.
 *
 * @param op what happened
 * @param key canonical key text; null for {@link Op#CLEAR} and {@link Op#DESTROY}
 * @param rev revision of the change
 * @param value the new value bytes for {@link Op#PUT}; never null for a PUT that is delivered
 * @param expireAt the entry's expiry instant after a PUT or TOUCH
 */
public record Change(Op op, String key, long rev, byte[] value, long expireAt) {
}
