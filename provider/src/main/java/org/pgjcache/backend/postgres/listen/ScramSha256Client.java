package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802 / RFC 7677) without channel binding, the default
 * password method since PostgreSQL 14. It proves knowledge of the password without sending it and
 * checks that the server, too, knows the verifier.
 */
final class ScramSha256Client {

  static final String MECHANISM = "SCRAM-SHA-256";

  /** "n": this client does not do channel binding; no authzid. */
  private static final String GS2_HEADER = "n,,";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] password;
  private final String clientNonce;
  private final String clientFirstBare;
  private byte[] expectedServerSignature;
  private boolean complete;

  /**
   * @param user user name put into the client-first message (PostgreSQL ignores it and uses the
   *     startup user; libpq sends an empty one)
   * @param password password, normalized with {@link #saslPrep}
   * @param nonce printable client nonce without commas
   */
  ScramSha256Client(String user, String password, String nonce) {
    this.password = saslPrep(password);
    this.clientNonce = nonce;
    this.clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + nonce;
  }

  static ScramSha256Client forPostgres(String password) {
    byte[] raw = new byte[18];
    RANDOM.nextBytes(raw);
    return new ScramSha256Client("", password, Base64.getEncoder().encodeToString(raw));
  }

  byte[] clientFirstMessage() {
    return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
  }

  /** Answers the server-first message with the client-final message carrying the proof. */
  byte[] clientFinalMessage(byte[] serverFirstBytes) throws IOException {
    String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
    Map<Character, String> attrs = attributes(serverFirst);
    if (attrs.containsKey('m')) {
      throw new IOException("SCRAM: server requires an unsupported extension: " + serverFirst);
    }
    String nonce = require(attrs, 'r', serverFirst);
    if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
      throw new IOException("SCRAM: server nonce does not extend the client nonce");
    }
    byte[] salt = decodeBase64(require(attrs, 's', serverFirst), "salt");
    int iterations;
    try {
      iterations = Integer.parseInt(require(attrs, 'i', serverFirst));
    } catch (NumberFormatException e) {
      throw new IOException("SCRAM: bad iteration count in server-first message", e);
    }
    if (iterations < 1) {
      throw new IOException("SCRAM: bad iteration count " + iterations);
    }

    String withoutProof =
        "c="
            + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
            + ",r="
            + nonce;
    byte[] authMessage =
        (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
    byte[] salted = saltedPassword(password, salt, iterations);
    byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8));
    byte[] clientSignature = hmac(sha256(clientKey), authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
    }
    expectedServerSignature = hmac(serverKey(salted), authMessage);
    return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Checks the server's signature; without this a server that does not know the verifier could
   * pose.
   */
  void verifyServerFinal(byte[] serverFinalBytes) throws IOException {
    if (expectedServerSignature == null) {
      throw new IOException("SCRAM: server-final message before server-first");
    }
    String serverFinal = new String(serverFinalBytes, StandardCharsets.UTF_8);
    Map<Character, String> attrs = attributes(serverFinal);
    if (attrs.containsKey('e')) {
      throw new IOException("SCRAM: server reported error " + attrs.get('e'));
    }
    byte[] signature = decodeBase64(require(attrs, 'v', serverFinal), "server signature");
    if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
      throw new IOException(
          "SCRAM: the server's signature is wrong; it does not know this role's verifier");
    }
    complete = true;
  }

  boolean isComplete() {
    return complete;
  }

  /** Hi(password, salt, i) of RFC 5802, i.e. PBKDF2 with HMAC-SHA-256 and one 32-byte block. */
  static byte[] saltedPassword(byte[] password, byte[] salt, int iterations) {
    Mac mac = mac(password);
    mac.update(salt);
    mac.update(new byte[] {0, 0, 0, 1});
    byte[] u = mac.doFinal();
    byte[] result = u.clone();
    for (int i = 1; i < iterations; i++) {
      u = mac.doFinal(u);
      for (int j = 0; j < result.length; j++) {
        result[j] ^= u[j];
      }
    }
    return result;
  }

  static byte[] storedKey(byte[] saltedPassword) {
    return sha256(hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] serverKey(byte[] saltedPassword) {
    return hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * SASLprep (RFC 4013) as PostgreSQL applies it to passwords: ASCII passes unchanged; otherwise
   * non-ASCII spaces become U+0020, "mapped to nothing" characters go, NFKC is applied, and if the
   * result has prohibited or unassigned characters or breaks the bidi rule the raw UTF-8 is used,
   * as the server does. Approximation: the JDK's Unicode tables are newer than the Unicode 3.2 that
   * stringprep fixes, so code points assigned after 3.2 are treated as assigned.
   */
  static byte[] saslPrep(String password) {
    byte[] raw = password.getBytes(StandardCharsets.UTF_8);
    if (password.chars().allMatch(c -> c < 0x80)) {
      return raw;
    }
    StringBuilder mapped = new StringBuilder(password.length());
    password
        .codePoints()
        .forEach(
            cp -> {
              if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
              } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
              }
            });
    String normalized = java.text.Normalizer.normalize(mapped, java.text.Normalizer.Form.NFKC);
    if (normalized.isEmpty()
        || normalized.codePoints().anyMatch(ScramSha256Client::isProhibited)
        || !passesBidiRule(normalized)) {
      return raw;
    }
    return normalized.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isNonAsciiSpace(int cp) {
    return cp == 0x00A0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200B)
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }

  private static boolean isMappedToNothing(int cp) {
    return cp == 0x00AD
        || cp == 0x034F
        || cp == 0x1806
        || (cp >= 0x180B && cp <= 0x180D)
        || (cp >= 0x200B && cp <= 0x200D)
        || cp == 0x2060
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || cp == 0xFEFF;
  }

  private static boolean isProhibited(int cp) {
    return cp < 0x20
        || cp == 0x7F // C.2.1 ASCII controls
        || isNonAsciiSpace(cp) // C.1.2
        || (cp >= 0x80 && cp <= 0x9F)
        || cp == 0x06DD
        || cp == 0x070F
        || cp == 0x180E
        || cp == 0x200C
        || cp == 0x200D
        || cp == 0x2028
        || cp == 0x2029
        || (cp >= 0x2060 && cp <= 0x2063)
        || (cp >= 0x206A && cp <= 0x206F)
        || cp == 0xFEFF
        || (cp >= 0xFFF9 && cp <= 0xFFFD)
        || (cp >= 0x1D173 && cp <= 0x1D17A) // C.2.2, C.6
        || (cp >= 0xE000 && cp <= 0xF8FF)
        || (cp >= 0xF0000 && cp <= 0xFFFFD)
        || (cp >= 0x100000 && cp <= 0x10FFFD) // C.3 private use
        || (cp >= 0xFDD0 && cp <= 0xFDEF)
        || (cp & 0xFFFE) == 0xFFFE // C.4 non-characters
        || (cp >= 0xD800 && cp <= 0xDFFF) // C.5 surrogates
        || (cp >= 0x2FF0 && cp <= 0x2FFB) // C.7
        || cp == 0x0340
        || cp == 0x0341
        || cp == 0x200E
        || cp == 0x200F
        || (cp >= 0x202A && cp <= 0x202E) // C.8
        || cp == 0xE0001
        || (cp >= 0xE0020 && cp <= 0xE007F) // C.9
        || !Character.isDefined(cp); // A.1 unassigned
  }

  /**
   * RFC 3454 section 6: right-to-left text must not mix with left-to-right and must start and end
   * RTL.
   */
  private static boolean passesBidiRule(String s) {
    boolean anyRtl = s.codePoints().anyMatch(ScramSha256Client::isRtl);
    if (!anyRtl) {
      return true;
    }
    boolean anyLtr =
        s.codePoints()
            .anyMatch(
                cp -> Character.getDirectionality(cp) == Character.DIRECTIONALITY_LEFT_TO_RIGHT);
    return !anyLtr && isRtl(s.codePointAt(0)) && isRtl(s.codePointBefore(s.length()));
  }

  private static boolean isRtl(int cp) {
    byte d = Character.getDirectionality(cp);
    return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT
        || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
  }

  private static Map<Character, String> attributes(String message) throws IOException {
    Map<Character, String> attrs = new HashMap<>();
    for (String part : message.split(",")) {
      if (part.length() < 2 || part.charAt(1) != '=') {
        throw new IOException("SCRAM: malformed attribute '" + part + "' from server");
      }
      attrs.putIfAbsent(part.charAt(0), part.substring(2));
    }
    return attrs;
  }

  private static String require(Map<Character, String> attrs, char key, String message)
      throws IOException {
    String value = attrs.get(key);
    if (value == null) {
      throw new IOException("SCRAM: server message lacks '" + key + "=': " + message);
    }
    return value;
  }

  private static byte[] decodeBase64(String text, String what) throws IOException {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IOException("SCRAM: " + what + " from server is not valid base64", e);
    }
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // SecretKeySpec refuses an empty key; HMAC pads any key to the block size, so one zero byte
      // is the same key as none (PostgreSQL itself never accepts an empty password anyway).
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "this JVM has no HmacSHA256, which every Java SE platform must provide", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    return mac(key).doFinal(data);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "this JVM has no SHA-256, which every Java SE platform must provide", e);
    }
  }
}
