package org.pgjcache.codec;

import javax.cache.CacheException;
import org.pgjcache.store.LocalOnly;

/**
 * Chooses how a replica holds a value and turns that back into what a caller sees.
 *
 * <p>Store-by-value keeps immutable values as they are (no copy on read, the cheapest possible hit)
 * and everything else as {@link Encoded} bytes, decoded into a fresh copy on each read.
 * Store-by-reference keeps the caller's object.
 */
public final class ValueForms {

  private final ValueCodec codec;
  private final boolean byValue;

  public ValueForms(ValueCodec codec, boolean byValue) {
    this.codec = codec;
    this.byValue = byValue;
  }

  public boolean byValue() {
    return byValue;
  }

  public ValueCodec codec() {
    return codec;
  }

  /** The form to hold for a value a caller gave, whose encoding is {@code encoded}. */
  public Object hold(Object value, byte[] encoded) {
    if (!byValue || Immutables.isImmutable(value)) {
      return value;
    }
    return new Encoded(encoded);
  }

  /**
   * The form to hold for a value known only by its bytes (read from the database). Bytes that do
   * not decode are held as they are, so that reading that one key fails with a clear error while
   * the rest of the cache works.
   */
  public Object holdEncoded(byte[] encoded) {
    Object value;
    try {
      value = codec.decode(encoded);
    } catch (CacheException e) {
      // corrupt bytes or a class outside the allowlist: reading this key will say which
      return new Encoded(encoded);
    }
    return hold(value, encoded);
  }

  /** What a caller sees of a held form; a fresh copy for mutable values under store-by-value. */
  public Object read(Object held) {
    if (held instanceof Encoded e) {
      return codec.decode(e.bytes());
    }
    return held instanceof LocalOnly local ? local.value() : held;
  }

  /**
   * A copy of a caller's key for store-by-value, so later changes to the caller's object don't move
   * it.
   */
  public Object copyKey(Object key) {
    if (!byValue || Immutables.isImmutable(key)) {
      return key;
    }
    ValueCodec keys = codec.plain();
    return keys.decode(keys.encode(key));
  }
}
