package org.pgjcache.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A clear fences off changes committed before it, so a late apply cannot resurrect an entry. */
class ReplicaClearFenceTest {

  @Test
  void aChangeCommittedBeforeAClearIsNotAppliedAfterIt() {
    Replica replica = new FullReplica();
    replica.apply("a", "old", 5, Long.MAX_VALUE, 0, ApplyHook.NONE);
    replica.clearUpTo(11);
    assertThat(replica.get("a")).isNull();
    // the result of a put committed at 10, before the clear at 11, arrives late
    assertThat(replica.apply("k", "late", 10, Long.MAX_VALUE, 0, ApplyHook.NONE).applied())
        .isFalse();
    assertThat(replica.get("k")).isNull();
    // a change after the clear is applied
    assertThat(replica.apply("k", "new", 12, Long.MAX_VALUE, 0, ApplyHook.NONE).applied()).isTrue();
    // a row read from the database is the truth, whatever the clear
    assertThat(
            replica
                .apply("old", "db", 3, Long.MAX_VALUE, 0, Replica.REPAIR, ApplyHook.NONE)
                .applied())
        .isTrue();
  }

  @Test
  void aRepairOverAnEntryAheadOfTheDatabaseReplacesOnlyThatEntry() {
    Replica replica = new FullReplica();
    replica.apply("k", "forged", 1_000, Long.MAX_VALUE, 0, ApplyHook.NONE);
    assertThat(replica.apply("k", "db", 7, Long.MAX_VALUE, 0, 999, ApplyHook.NONE).applied())
        .as("not over a revision other than the compared one")
        .isFalse();
    assertThat(replica.apply("k", "db", 7, Long.MAX_VALUE, 0, 1_000, ApplyHook.NONE).applied())
        .isTrue();
    assertThat(replica.get("k").rev()).isEqualTo(7);
    assertThat(replica.get("k").held()).isEqualTo("db");
    assertThat(replica.apply("k", "next", 8, Long.MAX_VALUE, 0, ApplyHook.NONE).applied()).isTrue();
  }
}
