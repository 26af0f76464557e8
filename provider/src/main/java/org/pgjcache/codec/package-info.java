/**
 * Turns keys and values into the bytes and text that the backend stores, and back.
 *
 * <p>Keys become canonical text (readable in SQL for strings, numbers and UUIDs), values become
 * tagged bytes. Decoding of serialized objects goes through an {@link java.io.ObjectInputFilter}
 * allowlist so that a row written by someone else cannot instantiate arbitrary classes in this JVM,
 * and within {@link org.pgjcache.codec.DecodeLimits} so that it cannot choose what decoding costs
 * either. Store-by-value copies are made here too, and skipped for values that cannot change.
 */
package org.pgjcache.codec;
