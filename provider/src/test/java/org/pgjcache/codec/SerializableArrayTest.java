package org.pgjcache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values that hold a {@code Serializable[]}, as Hibernate's second-level cache entries do, decode
 * with the default allowlist: the array's component type is an interface that is never
 * instantiated.
 */
class SerializableArrayTest {

  private final ValueCodec codec =
      new ValueCodec(getClass().getClassLoader(), new SerializationAllowlist(List.of()));

  @Test
  void serializableArrayOfAllowedValuesRoundTrips() {
    Serializable[] state = {"kettle", 10, 2.5d};

    Object decoded = codec.decode(codec.encode(state));

    assertThat(decoded).isInstanceOf(Serializable[].class);
    assertThat((Serializable[]) decoded).containsExactly("kettle", 10, 2.5d);
  }

  @Test
  void theInterfaceIsAllowedNotItsPackage() {
    SerializationAllowlist defaults = new SerializationAllowlist(List.of());

    assertThat(defaults.allows("java.io.Serializable")).isTrue();
    assertThat(defaults.allows("java.io.File")).isFalse();
  }
}
