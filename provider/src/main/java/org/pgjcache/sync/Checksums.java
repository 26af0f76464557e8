package org.pgjcache.sync;

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
 *
 * <p>MD5 in SQL costs about 1.5 µs a row, so heartbeats first compare something much cheaper (about
 * 0.4 µs a row): the {@link RevisionSums} of a cache, its count and the sum of {@link
 * #revisionHash} over its revisions. Revisions come from one sequence, so any missed change moves
 * that sum; only caches whose sums differ get their buckets computed.
 */
public final class Checksums {

  /** Number of buckets per cache; a power of two. */
  public static final int BUCKETS = 64;

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(
                  "this JVM has no MD5, which every Java platform has", e);
            }
          });

  private Checksums() {}

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

  /**
   * PostgreSQL's {@code hashint8(rev)}, computed here: the 64-bit value folded to 32 bits (the high
   * half, inverted for negative values, xor-ed into the low half) and mixed by the final step of
   * Bob Jenkins' lookup3 hash, as PostgreSQL's {@code hash_uint32} does. Integer arithmetic only,
   * so the result does not depend on the server's platform.
   */
  public static int revisionHash(long rev) {
    int k = (int) rev;
    int high = (int) (rev >>> 32);
    k ^= rev >= 0 ? high : ~high;
    int a = 0x9e3779b9 + 4 + 3923095;
    int b = a;
    int c = a;
    a += k;
    c ^= b;
    c -= Integer.rotateLeft(b, 14);
    a ^= c;
    a -= Integer.rotateLeft(c, 11);
    b ^= a;
    b -= Integer.rotateLeft(a, 25);
    c ^= b;
    c -= Integer.rotateLeft(b, 16);
    a ^= c;
    a -= Integer.rotateLeft(c, 4);
    b ^= a;
    b -= Integer.rotateLeft(a, 14);
    c ^= b;
    c -= Integer.rotateLeft(b, 24);
    return c;
  }

  private static byte[] md5(String text) {
    MessageDigest md5 = MD5.get();
    md5.reset();
    return md5.digest(text.getBytes(StandardCharsets.UTF_8));
  }
}
