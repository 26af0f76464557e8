package org.pgjcache.codec;

/**
 * A value held in its tagged bytes because it is mutable and the cache stores by value: every read
 * decodes a fresh copy, so callers can never change what the cache holds.
 */
public final class Encoded {
  private final byte[] bytes;

  public Encoded(byte[] bytes) {
    this.bytes = bytes;
  }

  public byte[] bytes() {
    return bytes;
  }
}
