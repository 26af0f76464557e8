package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;

class PrivateKeysTest {

  private static final Path FILE = Path.of("client.key");

  private final KeyPair ec = generate("EC");
  private final KeyPair rsa = generate("RSA");

  @Test
  void readsPkcs8DerAndPem() throws Exception {
    byte[] der = ec.getPrivate().getEncoded();
    assertThat(PrivateKeys.read(FILE, der, "EC", null)).isEqualTo(ec.getPrivate());
    assertThat(PrivateKeys.read(FILE, pem("PRIVATE KEY", der), "EC", null))
        .isEqualTo(ec.getPrivate());
    PrivateKey rsaKey =
        PrivateKeys.read(FILE, pem("PRIVATE KEY", rsa.getPrivate().getEncoded()), "RSA", "unused");
    assertThat(rsaKey).isEqualTo(rsa.getPrivate());
  }

  @Test
  void readsPemWithTextAroundIt() throws Exception {
    String pem = TestPki.pem("PRIVATE KEY", ec.getPrivate().getEncoded());
    byte[] text =
        ("Bag Attributes\n  friendlyName: user\n" + pem).getBytes(StandardCharsets.US_ASCII);
    assertThat(PrivateKeys.read(FILE, text, "EC", null)).isEqualTo(ec.getPrivate());
  }

  @Test
  void decryptsEncryptedPkcs8WithTheSslPassword() throws Exception {
    byte[] encrypted = TestPki.encrypt(ec.getPrivate().getEncoded(), "pass word!");
    assertThat(PrivateKeys.read(FILE, encrypted, "EC", "pass word!")).isEqualTo(ec.getPrivate());
    assertThat(PrivateKeys.read(FILE, pem("ENCRYPTED PRIVATE KEY", encrypted), "EC", "pass word!"))
        .isEqualTo(ec.getPrivate());
  }

  @Test
  void encryptedKeyProblemsAreNamedWithoutThePassword() throws Exception {
    byte[] encrypted = TestPki.encrypt(ec.getPrivate().getEncoded(), "right");
    assertThatThrownBy(() -> PrivateKeys.read(FILE, encrypted, "EC", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("client.key")
        .hasMessageContaining("give its password as sslpassword");
    assertThatThrownBy(() -> PrivateKeys.read(FILE, encrypted, "EC", "wrong-one"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("wrong sslpassword")
        .message()
        .doesNotContain("wrong-one");
    // The JDK's PBE schemes take ASCII passwords only; say so rather than "wrong password".
    assertThatThrownBy(() -> PrivateKeys.read(FILE, encrypted, "EC", "grüße"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot use sslpassword")
        .hasMessageContaining("ASCII")
        .message()
        .doesNotContain("grüße");
  }

  @Test
  void refusesFormatsJavaCannotReadWithTheFix() {
    assertThatThrownBy(
            () -> PrivateKeys.read(FILE, pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}), "RSA", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("BEGIN RSA PRIVATE KEY")
        .hasMessageContaining("openssl pkcs8 -topk8");
    assertThatThrownBy(
            () -> PrivateKeys.read(FILE, pem("CERTIFICATE", new byte[] {1, 2, 3}), "EC", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no PEM private key");
    assertThatThrownBy(
            () ->
                PrivateKeys.read(FILE, "not a key".getBytes(StandardCharsets.US_ASCII), "EC", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("neither a PKCS#8");
    assertThatThrownBy(() -> PrivateKeys.read(FILE, rsa.getPrivate().getEncoded(), "EC", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("client.key");
  }

  private static byte[] pem(String label, byte[] der) {
    return TestPki.pem(label, der).getBytes(StandardCharsets.US_ASCII);
  }

  private static KeyPair generate(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(algorithm.equals("EC") ? 256 : 2048);
      return generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
