package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

  private static final String LONGEST = "a".repeat(63);

  @ParameterizedTest
  @ValueSource(strings = {"public", "_x", "pgjcache_entries", "A1", "MySchema", "a"})
  void acceptsPlainIdentifiers(String name) {
    assertThat(Identifiers.isValid(name)).isTrue();
    assertThat(Identifiers.validate(name)).isEqualTo(name);
  }

  @Test
  void acceptsSixtyThreeCharactersButNotSixtyFour() {
    assertThat(Identifiers.isValid(LONGEST)).isTrue();
    assertThatThrownBy(() -> Identifiers.validate(LONGEST + "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 63");
  }

  @Test
  void explainsEachKindOfRejection() {
    assertThatThrownBy(() -> Identifiers.validate("x\"; drop table users; --"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'\"'")
        .hasMessageContaining("position 2");
    assertThatThrownBy(() -> Identifiers.validate("1abc"))
        .hasMessageContaining("starts with a digit");
    assertThatThrownBy(() -> Identifiers.validate("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Identifiers.validate(null)).hasMessageContaining("empty");
    assertThatThrownBy(() -> Identifiers.validate("a b")).hasMessageContaining("U+0020");
    assertThatThrownBy(() -> Identifiers.validate("a-b")).hasMessageContaining("'-'");
    assertThatThrownBy(() -> Identifiers.validate("café")).hasMessageContaining("'é'");
    assertThatThrownBy(() -> Identifiers.validate("a.b")).hasMessageContaining("'.'");
  }

  @Test
  void quotesValidatedIdentifiers() {
    assertThat(Identifiers.quote("public")).isEqualTo("\"public\"");
    assertThat(Identifiers.quote("MySchema")).isEqualTo("\"MySchema\"");
  }

  @Test
  void refusesToQuoteWhatItWouldNotValidate() {
    assertThatThrownBy(() -> Identifiers.quote("x\"y"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
