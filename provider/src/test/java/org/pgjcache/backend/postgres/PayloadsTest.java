package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.pgjcache.codec.CorruptDataException;

class PayloadsTest {

  private static final NoticeSeal SEAL =
      new NoticeSeal("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  @Test
  void aSingleChangeRoundTripsWithItsValueInline() {
    String[] parts =
        Payloads.single(
            SEAL, 'P', "odd|cache", "s:key|with:bars", 1234L, "node.7", new byte[] {2, 65, 66});
    Payloads.Notice notice = Payloads.parse(parts[0] + 99 + parts[1], SEAL);
    assertThat(notice.op()).isEqualTo('P');
    assertThat(notice.rev()).isEqualTo(99);
    assertThat(notice.expireAt()).isEqualTo(1234L);
    assertThat(notice.origin()).isEqualTo("node.7");
    assertThat(notice.cache()).isEqualTo("odd|cache");
    assertThat(notice.key()).isEqualTo("s:key|with:bars");
    assertThat(notice.value()).containsExactly(2, 65, 66);
  }

  @Test
  void largeValuesAreLeftOutAndHugeKeysBecomeAGap() {
    String[] parts = Payloads.single(SEAL, 'P', "c", "s:k", 1L, "o", new byte[7000]);
    String payload = parts[0] + 1 + parts[1];
    String sealed = SEAL.seal(parts[0] + Long.MAX_VALUE + parts[1], Long.MAX_VALUE);
    assertThat(sealed.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000);
    assertThat(Payloads.parse(payload, SEAL).value()).isNull();
    String[] huge = Payloads.single(SEAL, 'P', "c", "s:" + "é".repeat(5000), 1L, "o", null);
    assertThat(Payloads.parse(huge[0] + 1 + huge[1], SEAL).isGap()).isTrue();
  }

  @Test
  void batchesCarryARevisionRange() {
    String[] parts = Payloads.batch('R', "my cache", "o.1");
    Payloads.Notice notice = Payloads.parse(parts[0] + 10 + "|" + 20 + parts[1], SEAL);
    assertThat(notice.isBatch()).isTrue();
    assertThat(notice.kind()).isEqualTo('R');
    assertThat(notice.rev()).isEqualTo(10);
    assertThat(notice.maxRev()).isEqualTo(20);
    assertThat(notice.cache()).isEqualTo("my cache");
  }

  @Test
  void comparisonNoticesSayFromWhichRevisionTheyRepairedAndWhetherTheyWereWhole() {
    Payloads.Notice repaired = Payloads.parse(Payloads.compared("a|b", "n.1", 40, true), SEAL);
    assertThat(repaired.op()).isEqualTo('H');
    assertThat(repaired.cache()).isEqualTo("a|b");
    assertThat(repaired.origin()).isEqualTo("n.1");
    assertThat(repaired.rev()).isEqualTo(40);
    assertThat(repaired.expireAt()).as("whole").isEqualTo(1);
    Payloads.Notice inLine = Payloads.parse(Payloads.compared("c", "n.1", 0, false), SEAL);
    assertThat(inLine.rev()).isZero();
    assertThat(inLine.expireAt()).isZero();
    assertThat(Payloads.parse(Payloads.compared("c", "n.1", -5, false), SEAL).rev()).isZero();
  }

  @Test
  void theCacheAndSenderNamedCanBeReadBeforeTheSealIsChecked() {
    String[] single =
        Payloads.single(SEAL, 'P', "odd|cache", "s:k|1", 1L, "node.7", new byte[] {1});
    assertThat(Payloads.claim(SEAL.seal(single[0] + 99 + single[1], 5L)))
        .isEqualTo(new Payloads.Claim("odd|cache", "node.7"));
    String[] batch = Payloads.batch('R', "my|cache", "o.1");
    assertThat(Payloads.claim(batch[0] + "10|20" + batch[1]))
        .isEqualTo(new Payloads.Claim("my|cache", "o.1"));
    assertThat(Payloads.claim(Payloads.gap("g", "o.2"))).isEqualTo(new Payloads.Claim("g", "o.2"));
    for (String garbage :
        new String[] {
          "",
          "garbage",
          "P|1|1|o|x|1|ck",
          "P|1|1|o|99|1|ck",
          "P|1|1|o|-1|1|ck",
          "P|1|1|o|9999999999|1|ck",
          "B|R|1"
        }) {
      assertThat(Payloads.claim(garbage)).as(garbage).isNull();
    }
  }

  @Test
  void garbageIsCorruptData() {
    for (String garbage :
        new String[] {
          "", "garbage", "P|x|1|o|1|1|ck", "Z|1|1|o|1|1|ck", "P|1|1|o|99|1|ck", "B|R|1"
        }) {
      assertThatThrownBy(() -> Payloads.parse(garbage, SEAL))
          .as(garbage)
          .isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void inlineValuesAreEncrypted() {
    byte[] value = "a secret value".getBytes(StandardCharsets.UTF_8);
    String[] parts = Payloads.single(SEAL, 'P', "c", "s:k", 1L, "o", value);
    assertThat(parts[1]).doesNotContain(java.util.Base64.getEncoder().encodeToString(value));
    assertThat(Payloads.parse(parts[0] + 5 + parts[1], SEAL).value()).isEqualTo(value);
  }

  @Test
  void logLinesShowPayloadsEscapedAndCut() {
    String shown = Payloads.abbreviate("P|1\nFAKE LOG LINE\r\u001b[31m'q'" + "x".repeat(200));
    assertThat(shown)
        .doesNotContain("\n")
        .doesNotContain("\r")
        .doesNotContain("\u001b")
        .contains("\\u000a")
        .contains("\\'q\\'")
        .endsWith("...'");
    assertThat(shown.length()).isLessThan(120);
  }
}
