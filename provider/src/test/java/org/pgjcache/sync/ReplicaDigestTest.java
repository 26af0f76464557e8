package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pgjcache.store.ApplyHook;
import org.pgjcache.store.LocalOnly;
import org.pgjcache.store.Replica;

/**
 * The running checksum always equals one recomputed from what the replica counts, through every
 * kind of change; and it counts exactly what the database would.
 */
class ReplicaDigestTest {

  private final Replica replica = Replica.full();
  private final ReplicaDigest digest = new ReplicaDigest("t", key -> "s:" + key);

  ReplicaDigestTest() {
    replica.observe(digest);
  }

  private BucketSums recomputed() {
    long[] counts = new long[Checksums.BUCKETS];
    long[] sums = new long[Checksums.BUCKETS];
    replica.forEachCounted(
        (key, held) -> {
          String text = "s:" + key;
          counts[Checksums.bucket(text)]++;
          sums[Checksums.bucket(text)] += Checksums.hash(text, held.rev());
        });
    return new BucketSums(counts, sums);
  }

  private void check(long expectedCount) {
    assertThat(digest.snapshot()).isEqualTo(recomputed());
    assertThat(digest.snapshot().count()).isEqualTo(expectedCount);
    long[] sum = {0};
    replica.forEachCounted((key, held) -> sum[0] += Checksums.revisionHash(held.rev()));
    assertThat(digest.revisionSums()).isEqualTo(new RevisionSums(expectedCount, sum[0]));
  }

  @Test
  void followsEveryKindOfChange() {
    long now = 1_000;
    for (int i = 0; i < 100; i++) {
      replica.apply("k" + i, "v", i + 1, Long.MAX_VALUE, now, ApplyHook.NONE);
    }
    check(100);
    replica.apply("k1", "w", 200, Long.MAX_VALUE, now, ApplyHook.NONE);
    check(100);
    replica.apply("k1", "stale", 150, Long.MAX_VALUE, now, ApplyHook.NONE);
    check(100);
    replica.apply("k2", null, 201, Long.MAX_VALUE, now, ApplyHook.NONE);
    check(99);
    // dropped here because it expired: the database still holds it at that revision
    replica.dropAt("k3", 4, now, ApplyHook.NONE);
    check(99);
    replica.touch("k4", 5, 5_000);
    check(99);
    // a node-local value keeps standing for the row it replaced; one that replaced nothing doesn't
    replica.replaceLocal("k5", new LocalOnly(new Object()), Long.MAX_VALUE, ApplyHook.NONE);
    replica.replaceLocal("local", new LocalOnly(new Object()), Long.MAX_VALUE, ApplyHook.NONE);
    check(99);
    // gone from the database without a removal revision
    assertThat(replica.forgetAt("k6", 7, now, ApplyHook.NONE)).isTrue();
    assertThat(replica.forgetAt("k3", 4, now, ApplyHook.NONE)).isTrue();
    check(97);
    replica.clearUpTo(50);
    check(51);
    replica.clear();
    check(0);
    assertThat(digest.snapshot()).isEqualTo(BucketSums.EMPTY);
  }

  @Test
  void aRemovalIsNeverUndoneByAnOlderUpdateArrivingLate() {
    long now = 1_000;
    replica.apply("k", "v1", 5, Long.MAX_VALUE, now, ApplyHook.NONE);
    replica.apply("k", null, 7, Long.MAX_VALUE, now, ApplyHook.NONE);
    assertThat(replica.apply("k", "late", 6, Long.MAX_VALUE, now, ApplyHook.NONE).applied())
        .isFalse();
    assertThat(replica.get("k").isTombstone()).isTrue();
    check(0);
    // tombstones of removals are forgotten after their fencing period; counted ones are kept
    replica.apply("x", "v", 8, Long.MAX_VALUE, now, ApplyHook.NONE);
    replica.dropAt("x", 8, now, ApplyHook.NONE);
    assertThat(replica.purgeTombstones(now + 3_600_000)).isEqualTo(1);
    assertThat(replica.get("k")).isNull();
    assertThat(replica.get("x")).isNotNull();
    check(1);
  }
}
