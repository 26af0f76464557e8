package org.pgjcache.backend;

/**
 * One stored entry as the backend sees it.
 *
 * @param key canonical key text
 * @param value tagged value bytes
 * @param rev revision of the last change of this key; grows with every change
 * @param expireAt expiry instant in epoch milliseconds on the database clock, {@link #ETERNAL} if
 *     none
 */
public record Row(String key, byte[] value, long rev, long expireAt) {

  /** The expiry instant of an entry that never expires. */
  public static final long ETERNAL = Long.MAX_VALUE;

  public boolean expiredAt(long now) {
    return expireAt <= now;
  }
}
