package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgBinariesTest {

  @Test
  void spellsArchitecturesLikeTheArchiveNames() {
    assertThat(PgBinaries.architecture("amd64")).isEqualTo("x86_64");
    assertThat(PgBinaries.architecture("x86_64")).isEqualTo("x86_64");
    assertThat(PgBinaries.architecture("aarch64")).isEqualTo("arm_64");
    assertThat(PgBinaries.architecture("arm64")).isEqualTo("arm_64");
    assertThat(PgBinaries.architecture("arm")).isEqualTo("arm_32");
    assertThat(PgBinaries.architecture("i386")).isEqualTo("x86_32");
    assertThat(PgBinaries.architecture("ppc64le")).isEqualTo("ppcle_64");
  }
}
