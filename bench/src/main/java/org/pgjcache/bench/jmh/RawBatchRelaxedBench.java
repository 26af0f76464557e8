package org.pgjcache.bench.jmh;

/**
 * The ceiling of {@link RawBatchBench} for {@code durability=relaxed}: the same statements on a
 * connection with {@code synchronous_commit = off}, so a commit does not wait for its WAL flush.
 * Relaxed puts are measured against this one, not against the durable ceiling, which a relaxed
 * client may pass.
 */
public class RawBatchRelaxedBench extends RawBatchBench {

  @Override
  boolean relaxed() {
    return true;
  }
}
