package org.pgjcache.codec;

/**
 * Stored bytes that would cost more to decode than the {@link DecodeLimits} allow: too long, arrays
 * too large, too many objects, nested too deep, or a structure whose hashing explodes. Refused
 * before the cost is paid, and like any corrupt entry it fails only the key it belongs to.
 */
public class DecodeLimitException extends CorruptDataException {
  private static final long serialVersionUID = 1L;

  public DecodeLimitException(String message) {
    super(message);
  }

  public DecodeLimitException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The refusal of a stored value for {@code what} exceeds a limit. */
  static DecodeLimitException of(String what) {
    return new DecodeLimitException("refused to decode a stored value: " + what);
  }
}
