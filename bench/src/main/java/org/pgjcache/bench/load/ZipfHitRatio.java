package org.pgjcache.bench.load;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.SqlRows;
import org.pgjcache.bench.peers.PgjcachePeer;
import org.pgjcache.cache.PgCache;
import org.pgjcache.store.Replica.TierStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: the hit ratio of a bounded pgjcache cache's local tier on a Zipf trace, beside
 * Caffeine's own bounded cache ({@code Caffeine.newBuilder().maximumSize(bound)}) fed the very same
 * key sequence. The cache holds {@code KEYS} rows written by SQL; pgjcache's figure comes from its
 * local-tier counters ({@link PgCache#localTier()}), every miss a read from PostgreSQL whose value
 * is checked; Caffeine's from its statistics, every miss a load.
 *
 * <p>Arguments: {@code KEYS REQUESTS BOUND S} (default {@code 1000000 1000000 10000 0.99}).
 */
public final class ZipfHitRatio {

  private static final Logger LOG = LoggerFactory.getLogger(ZipfHitRatio.class);

  private ZipfHitRatio() {}

  public static void main(String[] args) throws Exception {
    List<String> plain = LoadPrograms.arguments(args);
    int keys = plain.size() > 0 ? Integer.parseInt(plain.get(0)) : 1_000_000;
    int requests = plain.size() > 1 ? Integer.parseInt(plain.get(1)) : 1_000_000;
    int bound = plain.size() > 2 ? Integer.parseInt(plain.get(2)) : 10_000;
    double s = plain.size() > 3 ? Double.parseDouble(plain.get(3)) : 0.99;
    long[] trace = trace(keys, requests, s, new SplittableRandom(42));

    Cache<Long, String> caffeine = Caffeine.newBuilder().maximumSize(bound).recordStats().build();
    for (long key : trace) {
      caffeine.get(key, SqlRows::value);
    }
    double caffeineRatio = caffeine.stats().hitRate();
    LOG.info(
        String.format(
            "Caffeine maximumSize(%d): hit ratio %.4f (%d hits, %d misses)",
            bound, caffeineRatio, caffeine.stats().hitCount(), caffeine.stats().missCount()));

    BenchDatabase db = BenchDatabase.fresh("zipf");
    Properties properties = PgjcachePeer.properties(db);
    properties.setProperty("pgjcache.max-entries", Integer.toString(bound));
    try (CacheManager node = PgjcachePeer.node(properties, "zipf")) {
      javax.cache.Cache<Long, String> cache =
          node.createCache(
              "zipf", new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
      LOG.info("{} rows written by SQL in {} ms", keys, SqlRows.fill(db, "zipf", keys));
      long t0 = System.nanoTime();
      for (long key : trace) {
        if (!SqlRows.value(key).equals(cache.get(key))) {
          throw new IllegalStateException("wrong value for " + key);
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      TierStats tier = cache.unwrap(PgCache.class).localTier();
      double ratio = (double) tier.hits() / (tier.hits() + tier.misses());
      LOG.info(
          String.format(
              "pgjcache max-entries=%d: hit ratio %.4f (%d hits, %d misses,"
                  + " %d evictions) in %.1f s",
              bound, ratio, tier.hits(), tier.misses(), tier.evictions(), seconds));
      LOG.info(
          String.format(
              "Zipf s=%.2f over %d keys, %d requests, bound %d: pgjcache %.2f %%,"
                  + " Caffeine %.2f %%, difference %.2f points",
              s,
              keys,
              requests,
              bound,
              100 * ratio,
              100 * caffeineRatio,
              100 * (ratio - caffeineRatio)));
    }
    System.exit(0);
  }

  /**
   * {@code requests} keys drawn from a Zipf distribution with exponent {@code s} over {@code keys}
   * ranks (inverse of the cumulative distribution); rank r is the key of a scrambled permutation,
   * so hot keys are not neighbours.
   */
  static long[] trace(int keys, int requests, double s, SplittableRandom random) {
    double[] cdf = new double[keys];
    double sum = 0;
    for (int r = 0; r < keys; r++) {
      sum += 1 / Math.pow(r + 1, s);
      cdf[r] = sum;
    }
    long[] ranksToKeys = new long[keys];
    for (int i = 0; i < keys; i++) {
      ranksToKeys[i] = i;
    }
    for (int i = keys - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = ranksToKeys[i];
      ranksToKeys[i] = ranksToKeys[j];
      ranksToKeys[j] = t;
    }
    long[] trace = new long[requests];
    for (int i = 0; i < requests; i++) {
      double u = random.nextDouble() * sum;
      int at = java.util.Arrays.binarySearch(cdf, u);
      trace[i] = ranksToKeys[at >= 0 ? at : Math.min(keys - 1, -at - 1)];
    }
    return trace;
  }
}
