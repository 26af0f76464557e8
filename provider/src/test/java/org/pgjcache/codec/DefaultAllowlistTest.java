package org.pgjcache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;

/**
 * The default allowlist holds value types and collections, and nothing that acts on a class name.
 */
class DefaultAllowlistTest {

  private final ValueCodec codec =
      new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of()));

  @Test
  void aFactoryThatInstantiatesAnyClassByNameIsRefused() {
    Factory<Object> factory = FactoryBuilder.factoryOf("java.lang.Object");
    byte[] bytes = codec.encode(factory);
    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("FactoryBuilder$ClassFactory")
        .hasMessageContaining("pgjcache.serialization.allow");
  }

  @Test
  void aUrlWhoseHashCodeResolvesItsHostIsRefused() throws Exception {
    Map<URL, String> urlKeyed = new HashMap<>();
    urlKeyed.put(new URL("http", "example.invalid", 80, "/"), "x");
    byte[] bytes = codec.encode(urlKeyed);
    assertThatThrownBy(() -> codec.decode(bytes)).hasMessageContaining("java.net.URL");
  }

  @Test
  void valueTypesAndCollectionsStayAllowed() {
    Map<String, Object> value = new TreeMap<>();
    value.put("duration", new Duration(TimeUnit.SECONDS, 5));
    value.put("concurrent", new ConcurrentHashMap<>(Map.of("k", 1)));
    value.put("reversed", new TreeMap<>(java.util.Collections.reverseOrder()));
    value.put("list", List.of(1, "two", 3.0));
    value.put("time", java.time.Instant.ofEpochSecond(1));
    assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
  }
}
