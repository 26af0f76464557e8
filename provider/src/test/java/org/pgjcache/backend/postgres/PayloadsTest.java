package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.pgjcache.codec.CorruptDataException;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  @Test
  void aSingleChangeRoundTripsWithItsValueInline() {
    String[] parts = Payloads.single('P', "odd|cache", "s:key|with:bars", 1234L, "node.7",
        new byte[] {2, 65, 66});
    Payloads.Notice notice = Payloads.parse(parts[0] + 99 + parts[1]);
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
    String[] parts = Payloads.single('P', "c", "s:k", 1L, "o", new byte[7000]);
    String payload = parts[0] + 1 + parts[1];
    assertThat(payload.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000);
    assertThat(Payloads.parse(payload).value()).isNull();
    String[] huge = Payloads.single('P', "c", "s:" + "é".repeat(5000), 1L, "o", null);
    assertThat(Payloads.parse(huge[0] + 1 + huge[1]).isGap()).isTrue();
  }

  @Test
  void batchesCarryARevisionRange() {
    String[] parts = Payloads.batch('R', "my cache", "o.1");
    Payloads.Notice notice = Payloads.parse(parts[0] + 10 + "|" + 20 + parts[1]);
    assertThat(notice.isBatch()).isTrue();
    assertThat(notice.kind()).isEqualTo('R');
    assertThat(notice.rev()).isEqualTo(10);
    assertThat(notice.maxRev()).isEqualTo(20);
    assertThat(notice.cache()).isEqualTo("my cache");
  }

  @Test
  void garbageIsCorruptData() {
    for (String garbage : new String[] {"", "garbage", "P|x|1|o|1|1|ck", "Z|1|1|o|1|1|ck",
        "P|1|1|o|99|1|ck", "B|R|1"}) {
      assertThatThrownBy(() -> Payloads.parse(garbage)).as(garbage)
          .isInstanceOf(CorruptDataException.class);
    }
  }
}
