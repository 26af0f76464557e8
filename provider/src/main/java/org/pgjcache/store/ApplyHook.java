package org.pgjcache.store;

/**
 * Runs while the replica holds a key's slot, right after a change was applied: the place to enqueue
 * events that must come out in the same order as the changes of that key.
 */
@FunctionalInterface
public interface ApplyHook {

  ApplyHook NONE = (key, applied) -> {};

  void applied(Object key, Applied applied);
}
