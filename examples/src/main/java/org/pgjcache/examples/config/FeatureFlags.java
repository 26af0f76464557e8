package org.pgjcache.examples.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * Feature flags that flip on every node at once (the seeds' {@code FeatureFlagService}). A flag
 * that was never set is off. Checking a flag is a read of the node's replica, cheap enough for
 * every request.
 */
public final class FeatureFlags {

  /** The cache that holds the flags. */
  public static final String CACHE = "feature-flags";

  private final Cache<String, Boolean> flags;

  /**
   * Flags kept in {@code flags}.
   *
   * @param flags a cache of flag name to state
   */
  public FeatureFlags(Cache<String, Boolean> flags) {
    this.flags = flags;
  }

  /**
   * The flags of a cache manager, in the cache {@value #CACHE}, created if needed.
   *
   * @param manager any JCache cache manager; pgjcache's makes the flags shared across nodes
   * @return the flags
   */
  public static FeatureFlags open(CacheManager manager) {
    return new FeatureFlags(TypedCaches.getOrCreate(manager, CACHE, String.class, Boolean.class));
  }

  /**
   * @param flag the flag's name
   * @return whether it is on; false if it was never set
   */
  public boolean isEnabled(String flag) {
    return Boolean.TRUE.equals(flags.get(flag));
  }

  /**
   * @param flag the flag to turn on, on every node
   */
  public void enable(String flag) {
    flags.put(flag, true);
  }

  /**
   * @param flag the flag to turn off, on every node
   */
  public void disable(String flag) {
    flags.put(flag, false);
  }

  /**
   * @param flag the flag to forget, so that it is off by default again
   */
  public void reset(String flag) {
    flags.remove(flag);
  }

  /**
   * @return every flag that is set, by name
   */
  public Map<String, Boolean> all() {
    Map<String, Boolean> all = new TreeMap<>();
    flags.forEach(entry -> all.put(entry.getKey(), entry.getValue()));
    return all;
  }

  /**
   * Calls {@code callback} whenever a flag changes on any node.
   *
   * @param callback receives the flag and its new state, null when it was reset
   * @return the subscription; close it to stop
   */
  public ChangeSubscription<Boolean> onChange(BiConsumer<String, Boolean> callback) {
    return ChangeSubscription.subscribe(flags, callback);
  }
}
