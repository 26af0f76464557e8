package org.pgjcache.backend;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The checksum that lets a node and the database agree they hold the same entries without comparing
 * them: every entry holding a value contributes a 64-bit hash of {@code key text ':' revision} to
 * one of {@link #BUCKETS} buckets chosen by its key, and a bucket's checksum is the count and the
 * sum (mod 2^64) of its contributions. Sums do not depend on order, so a replica keeps them up to
 * date with one addition per change, and the database computes the very same numbers with SQL; a
 * heartbeat then compares a handful of numbers, and a mismatch names the few buckets worth listing.
 *
 * <p>This class is the Java twin of the SQL in {@code backend.postgres.SyncSql}; both must stay
 * byte-for-byte the same function: MD5 over the UTF-8 text, the bucket from the first byte of
 * {@code md5(key)}, the hash from the first eight bytes of {@code md5(key || ':' || rev)} read as a
 * signed big-endian long.
 */
public final class Checksums {

  /** Number of buckets per cache; a power of two. */
  public static final int BUCKETS = 64;

  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no MD5, which every Java platform has", e);
    }
  });

  private Checksums() {
  }

  /** The bucket of a key: the low six bits of the first byte of {@code md5(keyText)}. */
  public static int bucket(String keyText) {
    byte[] digest = md5(keyText);
    return digest[0] & (BUCKETS - 1);
  }

  /** The contribution of an entry: the first eight bytes of {@code md5(keyText ':' rev)}. */
  public static long hash(String keyText, long rev) {
    byte[] d = md5(keyText + ':' + rev);
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xFF);
    }
    return h;
  }

  private static byte[] md5(String text) {
    MessageDigest md5 = MD5.get();
    md5.reset();
    return md5.digest(text.getBytes(StandardCharsets.UTF_8));
  }
}
