package org.pgjcache.codec;

import java.time.Duration;

/**
 * How much one Java-deserialized value may cost. Rows and notifications can be written by anyone with
 * write access to the table, so a decode must not be able to exhaust memory (a few bytes declaring a
 * huge array or collection), recurse without end, or spin (a graph of shared collections whose hash
 * codes cost exponential time, which no depth limit alone stops): every decode is bounded in input
 * bytes, array length, references, depth and time, with defaults far above what real cached values
 * reach.
 *
 * @param maxBytes the longest serialized value read
 * @param maxArrayLength the longest array or collection capacity one value may declare
 * @param maxReferences objects and back-references in one value
 * @param maxDepth nesting of objects in one value
 * @param maxTime how long one decode may take (checked at every object and reference it reads)
 */
public record DecodeLimits(int maxBytes, int maxArrayLength, long maxReferences, int maxDepth,
    Duration maxTime) {

  public static final DecodeLimits DEFAULTS = new DecodeLimits(64 * 1024 * 1024, 10_000_000,
      10_000_000, 100, Duration.ofSeconds(2));

  /**
   * Besides the per-array limit, everything arrays and collections declare in one value may allocate
   * at most this many bytes per input byte (plus {@link #SLACK_BYTES}): a declared element costs at
   * least one input byte and at most eight bytes of memory (a hash table's capacity may be four times
   * its entries), so real values stay well below while a few bytes declaring gigabytes are refused.
   */
  static final int BYTES_PER_INPUT_BYTE = 64;
  static final long SLACK_BYTES = 1 << 20;

  public DecodeLimits {
    if (maxBytes <= 0 || maxArrayLength <= 0 || maxReferences <= 0 || maxDepth <= 0
        || maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
      throw new IllegalArgumentException("decode limits must be positive: " + this);
    }
  }
}
