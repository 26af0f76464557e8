package org.pgjcache.codec;

/**
 * How much one Java-serialized key or value may cost to decode.
 *
 * <p>Stored bytes come from whoever can write the table or send a notification, and Java
 * deserialization of allowlisted JDK classes alone can be made to allocate gigabytes from a few
 * dozen bytes (declared array and collection sizes) or to hash for ever (nested sets that share
 * their elements). These limits make every decode cost at most a small multiple of its input; the
 * defaults lie far above what real cached values reach, and each is a setting ({@code
 * pgjcache.serialization.max-bytes} and its siblings).
 *
 * @param maxBytes the longest serialized form decoded at all
 * @param maxArrayLength the longest array the stream may declare, including the tables that
 *     collections size from the stream ({@code HashMap}'s capacity, {@code ArrayList}'s size)
 * @param maxReferences the most objects, back-references and class descriptors a stream may hold
 * @param maxDepth the deepest nesting of objects within objects
 * @param maxTreeSize the most objects the value would hold if every shared object were copied at
 *     each place it is referenced: what {@code hashCode} and {@code equals} of collections visit
 * @param maxTime how long one decode may take, checked at every object, reference and class the
 *     stream reads: the last resort against costs the other limits do not model (a class whose own
 *     {@code readObject} is slow, hash collisions)
 */
public record DecodeLimits(
    long maxBytes,
    long maxArrayLength,
    long maxReferences,
    long maxDepth,
    long maxTreeSize,
    java.time.Duration maxTime) {

  /** The default of {@link #maxTime}. */
  public static final java.time.Duration DEFAULT_MAX_TIME = java.time.Duration.ofSeconds(2);

  /** Limits with the default {@link #maxTime}. */
  public DecodeLimits(
      long maxBytes, long maxArrayLength, long maxReferences, long maxDepth, long maxTreeSize) {
    this(maxBytes, maxArrayLength, maxReferences, maxDepth, maxTreeSize, DEFAULT_MAX_TIME);
  }

  /** Bytes of declared arrays allowed per byte of input, on top of {@link #ARRAY_BYTES_FLOOR}. */
  public static final long ARRAY_BYTES_PER_INPUT_BYTE = 16;

  /** Bytes of declared arrays any stream may allocate, however short. */
  public static final long ARRAY_BYTES_FLOOR = 1 << 20;

  /**
   * 16 MiB, 16 Mi elements, 2 M references, depth 32 and 10 M objects counted per path: a value
   * that reaches any of them is either an attack or belongs in a table of its own, not in one cache
   * entry.
   */
  public static final DecodeLimits DEFAULTS =
      new DecodeLimits(16L << 20, 16L << 20, 2_000_000, 32, 10_000_000);

  public DecodeLimits {
    positive("max-bytes", maxBytes);
    positive("max-array-length", maxArrayLength);
    positive("max-references", maxReferences);
    positive("max-depth", maxDepth);
    positive("max-tree-size", maxTreeSize);
    if (maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
      throw new IllegalArgumentException("max-time must be positive, was " + maxTime);
    }
  }

  /**
   * The most bytes the arrays a stream of {@code inputLength} bytes declares may take together. A
   * genuine array costs at most 8 bytes of memory per byte of stream (one {@code null} element is
   * one byte), a hash table at most a few times its entries, so twice that plus a floor never
   * refuses real data, and a 60-byte stream cannot reserve gigabytes by nesting collections of
   * declared size.
   */
  public long arrayBudget(long inputLength) {
    return ARRAY_BYTES_FLOOR + ARRAY_BYTES_PER_INPUT_BYTE * inputLength;
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
