package org.pgjcache.management;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * Counters of one cache on this node. Recording is a no-op while statistics are disabled, so the
 * hot path pays one volatile read.
 */
public final class CacheStatistics implements CacheStatisticsMXBean {

  private volatile boolean enabled;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** A start time for a timed operation, or 0 when disabled. */
  public long start() {
    return enabled ? System.nanoTime() : 0;
  }

  public void hits(int count) {
    if (enabled && count > 0) {
      hits.add(count);
    }
  }

  public void misses(int count) {
    if (enabled && count > 0) {
      misses.add(count);
    }
  }

  public void puts(int count) {
    if (enabled && count > 0) {
      puts.add(count);
    }
  }

  public void removals(int count) {
    if (enabled && count > 0) {
      removals.add(count);
    }
  }

  public void evictions(int count) {
    if (enabled && count > 0) {
      evictions.add(count);
    }
  }

  public void getTime(long start) {
    if (enabled && start != 0) {
      getNanos.add(System.nanoTime() - start);
    }
  }

  public void putTime(long start) {
    if (enabled && start != 0) {
      putNanos.add(System.nanoTime() - start);
    }
  }

  public void removeTime(long start) {
    if (enabled && start != 0) {
      removeNanos.add(System.nanoTime() - start);
    }
  }

  @Override
  public void clear() {
    hits.reset();
    misses.reset();
    puts.reset();
    removals.reset();
    evictions.reset();
    getNanos.reset();
    putNanos.reset();
    removeNanos.reset();
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : hits.sum() * 100f / gets;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : misses.sum() * 100f / gets;
  }

  @Override
  public long getCacheGets() {
    return hits.sum() + misses.sum();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return average(getNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return average(putNanos.sum(), puts.sum());
  }

  @Override
  public float getAverageRemoveTime() {
    return average(removeNanos.sum(), removals.sum());
  }

  private static float average(long nanos, long count) {
    return count == 0 ? 0 : nanos / 1000f / count;
  }
}
