package org.pgjcache.store;

/**
 * The outcome of applying a change to the replica: whether it was newer than what was held, and what was
 * held before it.
 */
public record Applied(boolean applied, Versioned previous, Versioned current) {

  static final Applied STALE = new Applied(false, null, null);

  /** Whether the previous entry was a value (not a tombstone, and not absent). */
  public boolean hadValue() {
    return previous != null && !previous.isTombstone();
  }
}
