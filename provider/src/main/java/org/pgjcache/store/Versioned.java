package org.pgjcache.store;

/**
 * An entry of the replica: the held value (as the codec's {@code ValueForms} made it), the revision
 * that wrote it and its expiry instant. A tombstone has no value; its {@code expireAt} is when it
 * may be forgotten.
 */
public final class Versioned {

  final Object held;
  final long rev;
  final long expireAt;

  /**
   * Whether the database holds a value for this key at exactly {@link #rev}, so that the entry
   * counts in the replica's checksum: true for values applied from a commit, and it stays true when
   * this node drops the value on its own (it expired here, or it was a node-local value) while the
   * database row is unchanged; false for removals and for node-local values that replaced nothing.
   */
  final boolean counted;

  Versioned(Object held, long rev, long expireAt) {
    this(held, rev, expireAt, held != null && rev > 0 && !(held instanceof LocalOnly));
  }

  Versioned(Object held, long rev, long expireAt, boolean counted) {
    this.held = held;
    this.rev = rev;
    this.expireAt = expireAt;
    this.counted = counted;
  }

  /**
   * An entry as the database has it (a row read without holding it), for callers that need a {@code
   * Versioned} of a key a bounded replica does not hold.
   */
  public static Versioned of(Object held, long rev, long expireAt) {
    return new Versioned(held, rev, expireAt);
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

  /** Whether this entry is part of the replica's checksum (see the field). */
  public boolean counted() {
    return counted;
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
