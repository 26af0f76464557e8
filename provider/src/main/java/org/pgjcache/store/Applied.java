package org.pgjcache.store;

/**
 * The outcome of applying a change to the replica: whether it was newer than what was held, and
 * what was held before it.
 *
 * @param previousKnown false when the replica held nothing for the key and cannot tell whether the
 *     cache had it (a bounded replica that never read the key, or evicted it): the change's event
 *     then has no old value, and a caller that read the entry itself may supply it
 */
public record Applied(
    boolean applied, Versioned previous, Versioned current, boolean previousKnown) {

  static final Applied STALE = new Applied(false, null, null);

  public Applied(boolean applied, Versioned previous, Versioned current) {
    this(applied, previous, current, true);
  }

  /** Whether the previous entry was a value (not a tombstone, and not absent). */
  public boolean hadValue() {
    return previous != null && !previous.isTombstone();
  }

  /**
   * This outcome with {@code seen} (what the caller read before the change) as its previous entry.
   */
  public Applied assuming(Versioned seen) {
    return previousKnown || seen == null ? this : new Applied(applied, seen, current, true);
  }
}
