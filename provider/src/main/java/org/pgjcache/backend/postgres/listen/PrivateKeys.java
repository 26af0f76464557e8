package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads a client's private key the ways pgjdbc 42.7.4 does (PKCS#8 DER, the {@code .pk8} files
 * libpq users convert their keys to, plain or password-encrypted) and also from PEM ({@code BEGIN
 * PRIVATE KEY} / {@code BEGIN ENCRYPTED PRIVATE KEY}), which needs no conversion. OpenSSL's older
 * per-algorithm formats ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) are refused
 * with the command that converts them, since the JDK has no parser for them.
 */
final class PrivateKeys {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)\\s*-----END \\1-----", Pattern.DOTALL);
  private static final String PBES2_OID = "1.2.840.113549.1.5.13";

  private PrivateKeys() {}

  /**
   * @param content the file's bytes
   * @param algorithm the key algorithm, from the certificate's public key ({@code RSA}, {@code EC},
   *     ...)
   * @param password {@code sslpassword}, or {@code null}
   * @throws IOException saying what is wrong with the file, naming it, never the password
   */
  static PrivateKey read(Path file, byte[] content, String algorithm, String password)
      throws IOException {
    String text = new String(content, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN ")) {
      Matcher pem = PEM.matcher(text);
      while (pem.find()) {
        String label = pem.group(1);
        if (label.equals("PRIVATE KEY")) {
          return plain(file, base64(file, pem.group(2)), algorithm);
        }
        if (label.equals("ENCRYPTED PRIVATE KEY")) {
          return encrypted(file, base64(file, pem.group(2)), algorithm, password);
        }
        if (label.endsWith(" PRIVATE KEY")) {
          throw new IOException(
              "the sslkey file "
                  + file
                  + " is in OpenSSL's traditional format (BEGIN "
                  + label
                  + "), which Java cannot read; convert it to PKCS#8, as pgjdbc also needs, with"
                  + " 'openssl pkcs8 -topk8 -outform DER -in "
                  + file.getFileName()
                  + " -out postgresql.pk8"
                  + " -nocrypt' (or with -v2 aes-256-cbc and sslpassword instead of -nocrypt)");
        }
      }
      throw new IOException("the sslkey file " + file + " holds no PEM private key");
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(content));
    } catch (InvalidKeySpecException notPlain) {
      return encrypted(file, content, algorithm, password);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot read the " + algorithm + " key in the sslkey file " + file + ": " + e, e);
    }
  }

  private static PrivateKey plain(Path file, byte[] der, String algorithm) throws IOException {
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "the sslkey file "
              + file
              + " does not hold a usable "
              + algorithm
              + " key for the client certificate: "
              + e.getMessage(),
          e);
    }
  }

  private static PrivateKey encrypted(Path file, byte[] der, String algorithm, String password)
      throws IOException {
    EncryptedPrivateKeyInfo info;
    try {
      info = new EncryptedPrivateKeyInfo(der);
    } catch (IOException e) {
      throw new IOException(
          "the sslkey file "
              + file
              + " is neither a PKCS#8 "
              + algorithm
              + " private key nor an encrypted one",
          e);
    }
    if (password == null) {
      throw new IOException(
          "the sslkey file "
              + file
              + " is encrypted; give its password as sslpassword"
              + " (the LISTEN connection cannot ask on a console or use sslpasswordcallback)");
    }
    try {
      AlgorithmParameters parameters = info.getAlgParameters();
      String cipherName = info.getAlgName();
      if (cipherName.equalsIgnoreCase("PBES2") || cipherName.equals(PBES2_OID)) {
        // For PBES2 (what OpenSSL writes today) the parameters name the real scheme, such as
        // PBEWithHmacSHA256AndAES_256.
        cipherName = parameters.toString();
      }
      SecretKey secret;
      try {
        secret =
            SecretKeyFactory.getInstance(cipherName)
                .generateSecret(new PBEKeySpec(password.toCharArray()));
      } catch (InvalidKeySpecException e) {
        // The JDK's PBE schemes take ASCII passwords only.
        throw new IOException(
            "cannot use sslpassword to decrypt the sslkey file " + file + ": " + e.getMessage(), e);
      }
      Cipher cipher = Cipher.getInstance(cipherName);
      cipher.init(Cipher.DECRYPT_MODE, secret, parameters);
      return KeyFactory.getInstance(algorithm).generatePrivate(info.getKeySpec(cipher));
    } catch (InvalidKeySpecException e) {
      throw new IOException("cannot decrypt the sslkey file " + file + ": wrong sslpassword?", e);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot decrypt the sslkey file "
              + file
              + " ("
              + info.getAlgName()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static byte[] base64(Path file, String body) throws IOException {
    try {
      return Base64.getMimeDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "the sslkey file " + file + " has a broken PEM body: " + e.getMessage(), e);
    }
  }
}
