package org.pgjcache.backend.postgres.listen;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * PostgreSQL's MD5 challenge response, for servers and roles still on {@code password_encryption =
 * md5}.
 */
final class Md5Password {

  private Md5Password() {}

  /**
   * What {@code pg_authid.rolpassword} holds for an MD5 role: {@code "md5" + md5(password ||
   * user)}.
   */
  static String storedHash(String user, String password) {
    return "md5" + md5Hex(concat(utf8(password), utf8(user)));
  }

  /** The PasswordMessage content: {@code "md5" + md5(md5hex(password || user) || salt)}. */
  static String response(String user, String password, byte[] salt) {
    String inner = md5Hex(concat(utf8(password), utf8(user)));
    return "md5" + md5Hex(concat(utf8(inner), salt));
  }

  private static String md5Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "this JVM has no MD5, which every Java SE platform must provide", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
