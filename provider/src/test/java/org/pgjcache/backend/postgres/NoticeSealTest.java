package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NoticeSealTest {

  private static final NoticeSeal SEAL = seal("0123456789abcdef0123456789abcdef");

  private static NoticeSeal seal(String secret) {
    return new NoticeSeal(secret.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aSealedPayloadOpensToItsBody() {
    String sealed = SEAL.seal("P|7|body", 1_000_000);
    assertThat(SEAL.open(sealed, 1_000_000 + NoticeSeal.MAX_AGE_MILLIS)).isEqualTo("P|7|body");
  }

  @Test
  void unsealedTamperedOrForeignPayloadsAreForged() {
    String sealed = SEAL.seal("P|7|body", 1_000_000);
    String[] forged = {
      "P|7|body",
      "P|7|body|1000000",
      sealed.replace("P|7", "P|8"),
      sealed.substring(0, sealed.length() - 2) + "AA",
      "P|7|body|1000000|not base64!",
      seal("another secret of 32 bytes......").seal("P|7|body", 1_000_000),
      "",
      "|"
    };
    for (String payload : forged) {
      assertThatThrownBy(() -> SEAL.open(payload, 1_000_000))
          .as(payload)
          .isInstanceOf(NoticeSeal.ForgedNoticeException.class);
    }
  }

  @Test
  void anAuthenticPayloadTooOldIsStaleAndKeepsItsBody() {
    String sealed = SEAL.seal("P|7|body", 1_000_000);
    assertThatThrownBy(() -> SEAL.open(sealed, 1_000_001 + NoticeSeal.MAX_AGE_MILLIS))
        .isInstanceOfSatisfying(
            NoticeSeal.StaleNoticeException.class, e -> assertThat(e.body()).isEqualTo("P|7|body"));
  }

  @Test
  void encryptionRoundTripsWithAFreshIvEachTime() {
    byte[] value = "value".getBytes(StandardCharsets.UTF_8);
    byte[] once = SEAL.encrypt(value);
    byte[] twice = SEAL.encrypt(value);
    assertThat(once).isNotEqualTo(twice);
    assertThat(SEAL.decrypt(once)).isEqualTo(value);
    assertThat(SEAL.decrypt(twice)).isEqualTo(value);
  }
}
