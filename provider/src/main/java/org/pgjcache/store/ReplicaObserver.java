package org.pgjcache.store;

/**
 * Hears, while the replica holds a key's slot, every change of what the replica counts for that key
 * (see {@link Versioned#counted()}), so that a checksum of the replica can be kept up to date with
 * one step per change instead of a scan.
 */
public interface ReplicaObserver {

  ReplicaObserver NONE = (key, before, after) -> {};

  /**
   * The counted state of {@code key} moved from {@code before} to {@code after}; either may be null
   * or uncounted, and not both are counted at the same revision.
   */
  void changed(Object key, Versioned before, Versioned after);
}
