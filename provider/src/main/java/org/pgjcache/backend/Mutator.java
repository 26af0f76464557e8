package org.pgjcache.backend;

/**
 * Decides a conditional change while the backend holds the key's lock, so that the decision and the
 * change are one atomic step across every node.
 */
@FunctionalInterface
public interface Mutator {

  /**
   * @param current the stored entry, possibly expired, or null if there is none
   * @return what to do; {@link Mutation#NONE} to leave it
   */
  Mutation decide(Row current);
}
