package org.pgjcache.sync;

import java.util.Arrays;

/**
 * The bucketed checksum of one cache at one moment (see {@link Checksums}): per bucket, how many
 * entries hold a value and the sum of their hashes. Two sides hold the same entries at the same
 * revisions when these numbers are equal; {@link #divergentBuckets} says where to look when they
 * are not.
 */
public final class BucketSums {

  /** A cache without entries. */
  public static final BucketSums EMPTY =
      new BucketSums(new long[Checksums.BUCKETS], new long[Checksums.BUCKETS]);

  private final long[] counts;
  private final long[] sums;

  /** Takes ownership of both arrays, each of length {@link Checksums#BUCKETS}. */
  public BucketSums(long[] counts, long[] sums) {
    if (counts.length != Checksums.BUCKETS || sums.length != Checksums.BUCKETS) {
      throw new IllegalArgumentException("expected " + Checksums.BUCKETS + " buckets");
    }
    this.counts = counts;
    this.sums = sums;
  }

  public long count(int bucket) {
    return counts[bucket];
  }

  public long sum(int bucket) {
    return sums[bucket];
  }

  /** Number of entries over all buckets. */
  public long count() {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  /** One number for the whole cache (the seeds' {@code GetCRC}): the sum of every bucket's sum. */
  public long checksum() {
    long total = 0;
    for (long s : sums) {
      total += s;
    }
    return total;
  }

  /** The buckets whose count or sum differ from {@code other}'s, in ascending order. */
  public int[] divergentBuckets(BucketSums other) {
    int[] found = new int[Checksums.BUCKETS];
    int n = 0;
    for (int b = 0; b < Checksums.BUCKETS; b++) {
      if (counts[b] != other.counts[b] || sums[b] != other.sums[b]) {
        found[n++] = b;
      }
    }
    return Arrays.copyOf(found, n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BucketSums other
        && Arrays.equals(counts, other.counts)
        && Arrays.equals(sums, other.sums);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sums);
  }

  @Override
  public String toString() {
    return "BucketSums{count=" + count() + ", checksum=" + Long.toHexString(checksum()) + "}";
  }
}
