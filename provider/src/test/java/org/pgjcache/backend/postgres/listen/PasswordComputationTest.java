package org.pgjcache.backend.postgres.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The password proofs against published or independently computed values, no server needed. */
class PasswordComputationTest {

  /** RFC 7677 section 3: user "user", password "pencil". */
  private static final String RFC_NONCE = "rOprNGfwEbeRWgbNEkqO";

  private static final String RFC_SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  private static final String RFC_CLIENT_FINAL =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  private static final String RFC_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  @Test
  void scramMatchesRfc7677() throws IOException {
    ScramSha256Client scram = new ScramSha256Client("user", "pencil", RFC_NONCE);
    assertThat(text(scram.clientFirstMessage())).isEqualTo("n,,n=user,r=" + RFC_NONCE);
    assertThat(text(scram.clientFinalMessage(bytes(RFC_SERVER_FIRST)))).isEqualTo(RFC_CLIENT_FINAL);
    assertThat(scram.isComplete()).isFalse();
    scram.verifyServerFinal(bytes(RFC_SERVER_FINAL));
    assertThat(scram.isComplete()).isTrue();
  }

  @Test
  void scramRejectsAWrongServerSignature() throws IOException {
    ScramSha256Client scram = new ScramSha256Client("user", "pencil", RFC_NONCE);
    scram.clientFinalMessage(bytes(RFC_SERVER_FIRST));
    assertThatThrownBy(
            () -> scram.verifyServerFinal(bytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("signature");
    assertThat(scram.isComplete()).isFalse();
  }

  @Test
  void scramRejectsANonceThatDoesNotExtendOurs() {
    ScramSha256Client scram = new ScramSha256Client("user", "pencil", RFC_NONCE);
    assertThatThrownBy(
            () ->
                scram.clientFinalMessage(
                    bytes("r=someoneElse123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nonce");
    assertThatThrownBy(
            () ->
                scram.clientFinalMessage(
                    bytes("r=" + RFC_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nonce");
  }

  @Test
  void scramReportsServerError() throws IOException {
    ScramSha256Client scram = new ScramSha256Client("user", "pencil", RFC_NONCE);
    scram.clientFinalMessage(bytes(RFC_SERVER_FIRST));
    assertThatThrownBy(() -> scram.verifyServerFinal(bytes("e=invalid-proof")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("invalid-proof");
  }

  @Test
  void scramEscapesUserName() {
    ScramSha256Client scram = new ScramSha256Client("a=b,c", "pencil", RFC_NONCE);
    assertThat(text(scram.clientFirstMessage())).isEqualTo("n,,n=a=3Db=2Cc,r=" + RFC_NONCE);
  }

  @Test
  void saslPrepLeavesAsciiAloneAndNormalizesTheRest() {
    assertThat(ScramSha256Client.saslPrep("pencil\t")).isEqualTo(bytes("pencil\t"));
    // non-ASCII space -> space, soft hyphen -> nothing, fullwidth letters -> NFKC
    assertThat(text(ScramSha256Client.saslPrep("a\u00A0b\u00ADc\uFF44"))).isEqualTo("a bcd");
    // decomposed e + combining acute -> composed
    assertThat(text(ScramSha256Client.saslPrep("caf\u0065\u0301"))).isEqualTo("caf\u00e9");
    // prohibited (private use) -> the raw bytes are used, as the server does
    assertThat(ScramSha256Client.saslPrep("x\uE000y")).isEqualTo(bytes("x\uE000y"));
  }

  /**
   * Computed independently with PostgreSQL: {@code 'md5' || md5(convert_to(md5('pencil' || 'user'),
   * 'UTF8') || '\x01020304'::bytea)}.
   */
  @Test
  void md5MatchesKnownValues() {
    assertThat(Md5Password.response("user", "pencil", new byte[] {1, 2, 3, 4}))
        .isEqualTo("md54376eb6913b38f9aaff38dc7cf19ca76");
    assertThat(Md5Password.storedHash("postgres", "postgres"))
        .isEqualTo("md53175bce1d3201d16594cebf9d7eb3f9d");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
