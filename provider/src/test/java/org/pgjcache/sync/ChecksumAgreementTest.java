package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pgjcache.sync.SyncFixtures.pg;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.CacheChecksum;
import org.pgjcache.backend.Backend;
import org.pgjcache.support.Nodes;

/**
 * The database computes the very checksum the replica keeps (same buckets, same hashes, same
 * wrapping sums), whatever the keys' characters: otherwise every heartbeat would repair for
 * nothing.
 */
class ChecksumAgreementTest {

  @Test
  void sqlAndJavaAgreeBucketByBucket() {
    try (Nodes nodes = Nodes.freshDatabase("checksums")) {
      CacheManager manager = nodes.node("a");
      Cache<String, String> strings = manager.createCache("strings", strings());
      Cache<Long, String> longs =
          manager.createCache(
              "longs", new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
      Map<String, String> many = new TreeMap<>();
      for (int i = 0; i < 2000; i++) {
        many.put("key-" + i, "v");
      }
      strings.putAll(many);
      for (String odd :
          List.of(
              "",
              "ключ",
              "日本語のキー",
              "emoji 😀",
              "a'b\"c\\d",
              "x".repeat(500),
              "with\nnewline",
              "tab\tand|bar:colon")) {
        strings.put(odd, "odd");
      }
      strings.remove("key-7");
      strings.put("key-8", "again");
      for (long i = -50; i < 50; i++) {
        longs.put(i * 1_000_000_007L, "n");
      }

      Backend backend = pg(manager).backend();
      Map<String, BucketSums> database =
          pg(manager).coordination().checksums(List.of("strings", "longs", "none"));
      for (String cache : List.of("strings", "longs")) {
        assertThat(database.get(cache)).as(cache).isEqualTo(javaSide(backend, cache));
        assertThat(sync(manager).caches().get(cache))
            .as(cache)
            .isEqualTo(
                new CacheChecksum(database.get(cache).count(), database.get(cache).checksum()));
      }
      assertThat(database.get("strings").count()).isEqualTo(2000 - 1 + 8);
      assertThat(database.get("none")).isEqualTo(BucketSums.EMPTY);

      Map<String, RevisionSums> sums =
          pg(manager).coordination().revisionSums(List.of("strings", "longs", "none"));
      for (String cache : List.of("strings", "longs")) {
        long[] expected = new long[2];
        backend
            .store()
            .scan(
                cache,
                row -> {
                  expected[0]++;
                  expected[1] += Checksums.revisionHash(row.rev());
                });
        assertThat(sums.get(cache)).as(cache).isEqualTo(new RevisionSums(expected[0], expected[1]));
      }
      assertThat(sums.get("none")).isEqualTo(RevisionSums.EMPTY);
    }
  }

  @Test
  void revisionHashIsPostgresHashint8() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("hashint8")) {
      List<Long> values =
          new ArrayList<>(
              List.of(
                  0L,
                  1L,
                  -1L,
                  2L,
                  255L,
                  256L,
                  65_535L,
                  Integer.MAX_VALUE + 1L,
                  (long) Integer.MIN_VALUE,
                  Long.MAX_VALUE,
                  Long.MIN_VALUE,
                  Long.MIN_VALUE + 1,
                  123_456_789_012L,
                  -987_654_321_098L));
      Random random = new Random(42);
      for (int i = 0; i < 2000; i++) {
        values.add(random.nextLong());
        values.add((long) random.nextInt(10_000_000));
      }
      try (Connection c = SyncFixtures.connect(nodes);
          PreparedStatement ps =
              c.prepareStatement("select v, hashint8(v) from unnest(?::bigint[]) v")) {
        ps.setArray(1, c.createArrayOf("bigint", values.toArray()));
        int checked = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            assertThat(Checksums.revisionHash(rs.getLong(1)))
                .as("hashint8(" + rs.getLong(1) + ")")
                .isEqualTo(rs.getInt(2));
            checked++;
          }
        }
        assertThat(checked).isEqualTo(values.size());
      }
    }
  }

  /** The checksum computed in Java from the rows themselves. */
  private static BucketSums javaSide(Backend backend, String cache) {
    long[] counts = new long[Checksums.BUCKETS];
    long[] sums = new long[Checksums.BUCKETS];
    backend
        .store()
        .scan(
            cache,
            row -> {
              int b = Checksums.bucket(row.key());
              counts[b]++;
              sums[b] += Checksums.hash(row.key(), row.rev());
            });
    return new BucketSums(counts, sums);
  }

  @Test
  void bucketListingsMatchTheBucketsJavaComputes() {
    try (Nodes nodes = Nodes.freshDatabase("buckets")) {
      CacheManager manager = nodes.node("a");
      Cache<String, String> cache = manager.createCache("c", strings());
      for (int i = 0; i < 300; i++) {
        cache.put("k" + i, "v");
      }
      Backend backend = pg(manager).backend();
      Map<String, Long> listed =
          pg(manager).coordination().revisionsInBuckets("c", new int[] {3, 17, 63});
      assertThat(listed).isNotEmpty();
      backend
          .store()
          .scan(
              "c",
              row -> {
                int b = Checksums.bucket(row.key());
                boolean wanted = b == 3 || b == 17 || b == 63;
                assertThat(listed.containsKey(row.key()))
                    .as(row.key() + " in bucket " + b)
                    .isEqualTo(wanted);
                if (wanted) {
                  assertThat(listed.get(row.key())).isEqualTo(row.rev());
                }
              });
    }
  }
}
