package org.pgjcache.sync;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.pgjcache.store.ReplicaObserver;
import org.pgjcache.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bucketed checksum of one replica, kept up to date as the replica changes: one or two atomic
 * additions per change, no lock, no scan. Readers take a {@link #snapshot()} that may straddle a
 * concurrent change; a heartbeat that sees such a torn snapshot finds nothing to repair and moves
 * on.
 */
public final class ReplicaDigest implements ReplicaObserver {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaDigest.class);

  private final String cache;
  private final Function<Object, String> keyText;
  private final AtomicLongArray counts = new AtomicLongArray(Checksums.BUCKETS);
  private final AtomicLongArray sums = new AtomicLongArray(Checksums.BUCKETS);
  private final LongAdder revisions = new LongAdder();
  private final AtomicLong failures = new AtomicLong();

  /**
   * @param keyText the canonical key text of a replica key, exactly as stored in the database
   */
  public ReplicaDigest(String cache, Function<Object, String> keyText) {
    this.cache = cache;
    this.keyText = keyText;
  }

  @Override
  public void changed(Object key, Versioned before, Versioned after) {
    String text;
    try {
      text = keyText.apply(key);
    } catch (RuntimeException e) {
      if (failures.getAndIncrement() == 0) {
        LOG.warn(
            "cache '{}': cannot compute the checksum of a key ({}); heartbeats will report a"
                + " mismatch that repairs cannot clear",
            cache,
            e.toString());
      }
      return;
    }
    int bucket = Checksums.bucket(text);
    long delta = 0;
    if (before != null) {
      delta -= Checksums.hash(text, before.rev());
    }
    if (after != null) {
      delta += Checksums.hash(text, after.rev());
    }
    if (before == null) {
      counts.incrementAndGet(bucket);
    } else if (after == null) {
      counts.decrementAndGet(bucket);
    }
    sums.addAndGet(bucket, delta);
    revisions.add(
        (after == null ? 0L : Checksums.revisionHash(after.rev()))
            - (before == null ? 0L : Checksums.revisionHash(before.rev())));
  }

  /** The cheap summary a heartbeat compares first. */
  public RevisionSums revisionSums() {
    long count = 0;
    for (int b = 0; b < Checksums.BUCKETS; b++) {
      count += counts.get(b);
    }
    return new RevisionSums(count, revisions.sum());
  }

  /** The checksum as it is now. */
  public BucketSums snapshot() {
    long[] c = new long[Checksums.BUCKETS];
    long[] s = new long[Checksums.BUCKETS];
    for (int b = 0; b < Checksums.BUCKETS; b++) {
      c[b] = counts.get(b);
      s[b] = sums.get(b);
    }
    return new BucketSums(c, s);
  }
}
