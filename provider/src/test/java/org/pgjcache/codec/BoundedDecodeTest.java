package org.pgjcache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.pgjcache.codec.HostileStreams.tagged;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.CacheException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Stored bytes written by someone hostile cost at most a small multiple of their length to refuse:
 * no OutOfMemoryError, no endless hashing, and a {@link CacheException} that fails only their key.
 * Every refusal is asserted by its type; the timeout is only a safety net so that a regression
 * fails instead of hanging the build.
 */
class BoundedDecodeTest {

  private static final Duration NET = Duration.ofSeconds(10);

  private final ValueCodec codec =
      new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of()));

  private static void refused(ThrowingCallable decode) {
    assertTimeoutPreemptively(
        NET, () -> assertThatThrownBy(decode).isInstanceOf(DecodeLimitException.class));
  }

  @Test
  void aListThatDeclaresTwoBillionElementsIsRefusedNotAllocated() {
    byte[] stream = HostileStreams.arrayListOfDeclaredSize(Integer.MAX_VALUE - 8);
    assertThat(stream.length).isLessThan(64);
    refused(() -> codec.decode(tagged(stream)));
  }

  @Test
  void aHashMapThatDeclaresAMillionTimesItsEntriesIsRefused() {
    refused(() -> codec.decode(tagged(HostileStreams.hashMapOfDeclaredSize(1 << 29))));
  }

  @Test
  void nestedListsEachBelowTheArrayLimitCannotAddUpToGigabytes() {
    // 24 levels of 10 million slots: 1.9 GB of arrays from about a kilobyte of stream
    byte[] stream = HostileStreams.nestedListsOfDeclaredSize(24, 10_000_000);
    assertThat(stream.length).isLessThan(2048);
    assertThat(10_000_000L).isLessThan(DecodeLimits.DEFAULTS.maxArrayLength());
    refused(() -> codec.decode(tagged(stream)));
  }

  @Test
  void theClassicHundredLevelHashBombIsRefused() {
    byte[] stream = HostileStreams.hashBomb(100);
    assertThat(stream.length).isBetween(5000, 7000);
    refused(() -> codec.decode(tagged(stream)));
  }

  @Test
  void aShallowWideHashBombWithinTheDepthLimitIsRefused() {
    // 20 levels of 3 sets: within max-depth, yet hashing it would visit 3^20 sets
    byte[] stream = HostileStreams.serialize(HostileStreams.setBomb(20, 3));
    refused(() -> codec.decode(tagged(stream)));
  }

  @Test
  void listsThatShareTheirElementsInsideASetAreRefused() {
    Set<Object> set = new HashSet<>();
    List<Object> bomb = new ArrayList<>();
    set.add(bomb);
    bomb.addAll(HostileStreams.listBomb(30));
    refused(() -> codec.decode(tagged(HostileStreams.serialize(set))));
  }

  @Test
  void aSerializedKeyIsBoundedLikeAValue() {
    KeyCodec keys = new KeyCodec(codec);
    String text = "b:" + java.util.Base64.getEncoder().encodeToString(HostileStreams.hashBomb(100));
    assertTimeoutPreemptively(
        NET,
        () -> assertThatThrownBy(() -> keys.decode(text)).isInstanceOf(DecodeLimitException.class));
  }

  @Test
  void eachLimitCanBeLowered() {
    ArrayList<Integer> thousand = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      thousand.add(i);
    }
    byte[] value = codec.encode(thousand);
    assertThat(codec.decode(value)).isEqualTo(thousand);
    DecodeLimits d = DecodeLimits.DEFAULTS;
    for (DecodeLimits lower :
        List.of(
            new DecodeLimits(
                value.length - 2,
                d.maxArrayLength(),
                d.maxReferences(),
                d.maxDepth(),
                d.maxTreeSize()),
            new DecodeLimits(d.maxBytes(), 999, d.maxReferences(), d.maxDepth(), d.maxTreeSize()),
            new DecodeLimits(d.maxBytes(), d.maxArrayLength(), 999, d.maxDepth(), d.maxTreeSize()),
            new DecodeLimits(
                d.maxBytes(), d.maxArrayLength(), d.maxReferences(), 1, d.maxTreeSize()),
            new DecodeLimits(
                d.maxBytes(), d.maxArrayLength(), d.maxReferences(), d.maxDepth(), 999))) {
      ValueCodec strict =
          new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of()), lower);
      assertThatThrownBy(() -> strict.decode(value))
          .as(lower.toString())
          .isInstanceOf(DecodeLimitException.class);
    }
  }

  @Test
  void theRefusalNamesTheCacheAndTheKeyWhenTheCallerGivesThem() {
    byte[] bomb = tagged(HostileStreams.hashBomb(100));
    assertThatThrownBy(() -> codec.decode(bomb, new DecodeContext("orders", "s:alice")))
        .isInstanceOf(DecodeLimitException.class)
        .hasMessageContaining("cache 'orders'")
        .hasMessageContaining("key 's:alice'")
        .hasMessageContaining("pgjcache.serialization.max-");
  }

  @Test
  void errorsWhileDecodingBecomeCorruptData() {
    // arrays nested 50,000 deep: reading them overflows the stack whatever reads them
    DecodeLimits deep = new DecodeLimits(1 << 24, 1 << 20, 1 << 24, 1_000_000, 1 << 24);
    ValueCodec lenient =
        new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of()), deep);
    byte[] deepArrays = tagged(HostileStreams.nestedArrays(50_000));
    assertThatThrownBy(() -> lenient.decode(deepArrays))
        .isInstanceOf(CorruptDataException.class)
        .hasRootCauseInstanceOf(StackOverflowError.class);
    assertThatThrownBy(() -> codec.decode(deepArrays)).isInstanceOf(DecodeLimitException.class);
  }

  @Test
  void realValuesStayWellWithinTheDefaults() {
    Map<String, Object> order = new HashMap<>();
    List<Map<String, Object>> lines = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      lines.add(new TreeMap<>(Map.of("sku", "sku-" + i, "qty", i, "tags", Set.of("a", "b"))));
    }
    order.put("lines", lines);
    order.put("index", new ConcurrentHashMap<>(Map.of("x", List.of(1, 2, 3))));
    order.put("bytes", new byte[5_000_000]);
    order.put("nulls", new Object[100_000]);
    Map<Object, Object> lowLoad = new HashMap<>(16, 0.25f);
    for (int i = 0; i < 10_000; i++) {
      lowLoad.put(i, null);
    }
    order.put("lowLoad", lowLoad);
    Object decoded = codec.decode(codec.encode(order));
    assertThat(((Map<?, ?>) decoded).get("lines")).isEqualTo(lines);
    assertThat(((Map<?, ?>) decoded).get("lowLoad")).isEqualTo(lowLoad);
  }
}
