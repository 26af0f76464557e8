package org.pgjcache.store;

/**
 * An entry of the replica: the held value (see {@link org.pgjcache.codec.ValueForms}), the revision that
 * wrote it and its expiry instant. A tombstone has no value; its {@code expireAt} is when it may be
 * forgotten.
 */
public final class Versioned {

  final Object held;
  final long rev;
  final long expireAt;

  Versioned(Object held, long rev, long expireAt) {
    this.held = held;
    this.rev = rev;
    this.expireAt = expireAt;
  }

  public Object held() {
    return held;
  }

  public long rev() {
    return rev;
  }

  public long expireAt() {
    return expireAt;
  }

  public boolean isTombstone() {
    return held == null;
  }

  /** Whether this is a value that has not expired at {@code now}. */
  public boolean isLive(long now) {
    return held != null && expireAt > now;
  }

  @Override
  public String toString() {
    return held == null ? "tombstone@" + rev : "entry@" + rev;
  }
}
