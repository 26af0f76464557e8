package org.pgjcache.bench.load;

import org.pgjcache.store.ApplyHook;
import org.pgjcache.store.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a bounded replica pays, in this JVM alone, for the changes other nodes notify: applying a
 * change of a key it holds, and of a key it does not hold (which it inserts, evicting another
 * entry), next to a full replica applying the same changes and a bounded replica's hit. It measures
 * the choice to hold every notified change rather than drop the ones for keys not held: the insert
 * must cost little beside the notification's own delivery (tens of microseconds).
 *
 * <p>Arguments: {@code ROUNDS MILLIONS} (e.g. {@code 5 2}): rounds of each way alternate, each
 * applying that many million changes on one thread over a bounded replica of 10,000 entries.
 */
public final class BoundedApplyCost {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedApplyCost.class);
  private static final int BOUND = 10_000;
  private static final long ETERNAL = Long.MAX_VALUE;
  private static final String[] WAYS = {
    "bounded, held key", "bounded, key not held", "full, key held", "bounded, hit"
  };

  private BoundedApplyCost() {}

  public static void main(String[] args) {
    java.util.List<String> plain = LoadPrograms.arguments(args);
    int rounds = plain.size() > 0 ? Integer.parseInt(plain.get(0)) : 5;
    int ops = (plain.size() > 1 ? Integer.parseInt(plain.get(1)) : 2) * 1_000_000;
    String[] keys = new String[4 * BOUND];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "key-" + i;
    }
    double[] sums = new double[WAYS.length];
    long[] rev = {1};
    for (int round = 0; round <= rounds; round++) { // round 0 warms up
      for (int way = 0; way < WAYS.length; way++) {
        Replica replica = way == 2 ? Replica.full() : Replica.bounded(BOUND);
        for (int i = 0; i < BOUND; i++) {
          replica.apply(keys[i], "v", rev[0]++, ETERNAL, 0, ApplyHook.NONE);
        }
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
          // held: the first BOUND keys (a hot set); not held: cycling through four times the bound
          String key = way == 1 ? keys[i % keys.length] : keys[i % BOUND];
          if (way == 3) {
            replica.resolve(key, 0, k -> null);
          } else {
            replica.apply(key, "v", rev[0]++, ETERNAL, 0, ApplyHook.NONE);
          }
        }
        double nanos = (System.nanoTime() - start) / (double) ops;
        if (round > 0) {
          sums[way] += nanos;
          LOG.info(String.format("round %d, %s: %.0f ns per change", round, WAYS[way], nanos));
        }
      }
    }
    StringBuilder means = new StringBuilder("means over " + rounds + " rounds:");
    for (int way = 0; way < WAYS.length; way++) {
      means.append(String.format(" %s %.0f ns;", WAYS[way], sums[way] / rounds));
    }
    LOG.info(means.toString());
    System.exit(0);
  }
}
