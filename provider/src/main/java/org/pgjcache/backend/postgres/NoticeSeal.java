package org.pgjcache.backend.postgres;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.pgjcache.codec.CorruptDataException;

/**
 * Authenticates and hides what pgjcache sends on its NOTIFY channel.
 *
 * <p>PostgreSQL has no privilege on NOTIFY or LISTEN: any role that can connect can send on the
 * channel and read it. So every notification ends with the time it was sent (database clock) and an
 * HMAC-SHA256 under a key that lives in a table only pgjcache's role can read; a node acts only on
 * notifications whose HMAC checks out and that are younger than {@link #MAX_AGE_MILLIS} (a replay
 * of an old one meets the tombstone or newer revision it was superseded by). Values that ride
 * inline are encrypted (AES-CTR under a second key derived from the same secret; the HMAC covers
 * the ciphertext), so a listener without the key learns cache names and keys, never values.
 *
 * <p>Most notifications get their revision inside the statement that writes, so the database
 * computes the HMAC there, from the inner and outer padded keys this class binds as parameters
 * (HMAC is {@code H((K ^ opad) || H((K ^ ipad) || m))}, and PostgreSQL has {@code sha256});
 * payloads built whole on the client are sealed here with the same result.
 */
final class NoticeSeal {

  /** Notifications older than this are not acted on (the change is reconciled instead). */
  static final long MAX_AGE_MILLIS = 30_000;

  /** Characters of the trailing {@code |time|mac}: base64 of 32 bytes is 44. */
  static final int OVERHEAD = 1 + 20 + 1 + 44;

  static final int IV_BYTES = 16;

  private static final int BLOCK = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] macKey;
  private final SecretKeySpec macSpec;
  private final SecretKeySpec encSpec;
  private final byte[] innerPad;
  private final byte[] outerPad;
  private final ThreadLocal<Mac> macs;
  private final ThreadLocal<Cipher> ciphers;

  /** Derives the HMAC and encryption keys from the stored secret. */
  NoticeSeal(byte[] secret) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException(
          "the notification secret is missing or shorter than 16 bytes");
    }
    this.macKey = derive(secret, "pgjcache notification mac");
    this.macSpec = new SecretKeySpec(macKey, "HmacSHA256");
    this.encSpec =
        new SecretKeySpec(Arrays.copyOf(derive(secret, "pgjcache notification value"), 16), "AES");
    this.innerPad = pad(macKey, (byte) 0x36);
    this.outerPad = pad(macKey, (byte) 0x5c);
    this.macs = ThreadLocal.withInitial(this::newMac);
    this.ciphers = ThreadLocal.withInitial(NoticeSeal::newCipher);
  }

  private static byte[] derive(byte[] secret, String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] pad(byte[] key, byte with) {
    byte[] padded = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      padded[i] = (byte) ((i < key.length ? key[i] : 0) ^ with);
    }
    return padded;
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(macSpec);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is not available", e);
    }
  }

  /** {@code K ^ ipad}: a bind parameter of the signing SQL (see {@link Sql#SIGNED}). */
  byte[] innerPad() {
    return innerPad.clone();
  }

  /** {@code K ^ opad}: a bind parameter of the signing SQL. */
  byte[] outerPad() {
    return outerPad.clone();
  }

  /** Seals a payload built whole here: appends the send time and the HMAC, as the SQL does. */
  String seal(String body, long dbNowMillis) {
    String timed = body + "|" + dbNowMillis;
    return timed + "|" + mac(timed);
  }

  private String mac(String text) {
    byte[] digest = macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(digest);
  }

  /**
   * Checks a received payload and returns what was sealed (without time and HMAC).
   *
   * @throws ForgedNoticeException if the HMAC is missing or wrong
   * @throws StaleNoticeException if it is authentic but older than {@link #MAX_AGE_MILLIS}
   */
  String open(String payload, long dbNowMillis) {
    int bar = payload.lastIndexOf('|');
    if (bar <= 0) {
      throw new ForgedNoticeException("notification without an HMAC");
    }
    String timed = payload.substring(0, bar);
    byte[] expected = macs.get().doFinal(timed.getBytes(StandardCharsets.UTF_8));
    byte[] given;
    try {
      given = Base64.getDecoder().decode(payload.substring(bar + 1));
    } catch (IllegalArgumentException e) {
      throw new ForgedNoticeException("notification whose HMAC is not base64");
    }
    if (!MessageDigest.isEqual(expected, given)) {
      throw new ForgedNoticeException("notification with a wrong HMAC");
    }
    int timeBar = timed.lastIndexOf('|');
    long sent;
    try {
      sent = Long.parseLong(timed.substring(timeBar + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new ForgedNoticeException("authentic notification without a send time");
    }
    String body = timed.substring(0, timeBar);
    if (dbNowMillis - sent > MAX_AGE_MILLIS) {
      throw new StaleNoticeException(body, dbNowMillis - sent);
    }
    return body;
  }

  /** Encrypts an inline value: a random IV followed by the AES-CTR ciphertext. */
  byte[] encrypt(byte[] value) {
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.ENCRYPT_MODE, encSpec, new IvParameterSpec(iv));
      byte[] out = new byte[IV_BYTES + value.length];
      System.arraycopy(iv, 0, out, 0, IV_BYTES);
      cipher.doFinal(value, 0, value.length, out, IV_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt a notification value", e);
    }
  }

  /** Decrypts what {@link #encrypt} made (the HMAC has already vouched for it). */
  byte[] decrypt(byte[] sealed) {
    if (sealed.length < IV_BYTES) {
      throw new CorruptDataException("an inline notification value is shorter than its IV");
    }
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.DECRYPT_MODE, encSpec, new IvParameterSpec(sealed, 0, IV_BYTES));
      return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    } catch (GeneralSecurityException e) {
      throw new CorruptDataException("cannot decrypt an inline notification value", e);
    }
  }

  /** A notification that does not carry a valid HMAC: not pgjcache's, or tampered with. */
  static final class ForgedNoticeException extends CorruptDataException {
    private static final long serialVersionUID = 1L;

    ForgedNoticeException(String message) {
      super(message);
    }
  }

  /** An authentic notification that arrived too late to be trusted against replays. */
  static final class StaleNoticeException extends CorruptDataException {
    private static final long serialVersionUID = 1L;
    private final transient String body;

    StaleNoticeException(String body, long ageMillis) {
      super("notification sent " + ageMillis + " ms ago, older than " + MAX_AGE_MILLIS + " ms");
      this.body = body;
    }

    /** The sealed payload, authentic: still good for knowing which cache to reconcile. */
    String body() {
      return body;
    }
  }
}
