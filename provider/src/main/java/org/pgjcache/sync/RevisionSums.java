package org.pgjcache.sync;

/**
 * The cheap first look of a heartbeat at one cache (see {@link Checksums}): how many entries hold a
 * value, and the sum of {@link Checksums#revisionHash} over their revisions. When these agree there
 * is nothing to repair; when they do not, the bucketed checksum says where.
 *
 * @param count entries holding a value (expired ones included)
 * @param sum sum of the revision hashes, as 64-bit two's complement
 */
public record RevisionSums(long count, long sum) {

  /** A cache without entries. */
  public static final RevisionSums EMPTY = new RevisionSums(0, 0);
}
