package org.pgjcache.examples.config;

import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * Request limits per endpoint that an operator changes at run time (the seeds' {@code
 * RateLimiterService}): a new limit applies on every node within milliseconds, without a restart.
 * Endpoints without a limit of their own get the default.
 */
public final class RateLimits {

  /** The cache that holds the limits. */
  public static final String CACHE = "rate-limits";

  private final Cache<String, Integer> limits;
  private final int defaultLimit;

  /**
   * Limits kept in {@code limits}.
   *
   * @param limits a cache of endpoint to requests per window
   * @param defaultLimit the limit of endpoints that have none of their own
   */
  public RateLimits(Cache<String, Integer> limits, int defaultLimit) {
    this.limits = limits;
    this.defaultLimit = requirePositive(defaultLimit);
  }

  /**
   * The limits of a cache manager, in the cache {@value #CACHE}, created if needed.
   *
   * @param manager any JCache cache manager; pgjcache's makes the limits shared across nodes
   * @param defaultLimit the limit of endpoints that have none of their own
   * @return the limits
   */
  public static RateLimits open(CacheManager manager, int defaultLimit) {
    return new RateLimits(
        TypedCaches.getOrCreate(manager, CACHE, String.class, Integer.class), defaultLimit);
  }

  /**
   * @param endpoint the endpoint
   * @return its limit: its own, or the default
   */
  public int limitFor(String endpoint) {
    Integer limit = limits.get(endpoint);
    return limit == null ? defaultLimit : limit;
  }

  /**
   * Sets an endpoint's limit on every node.
   *
   * @param endpoint the endpoint
   * @param limit requests per window, at least 1
   */
  public void setLimit(String endpoint, int limit) {
    limits.put(endpoint, requirePositive(limit));
  }

  /**
   * @param endpoint the endpoint whose own limit is dropped, so that it gets the default again
   */
  public void reset(String endpoint) {
    limits.remove(endpoint);
  }

  private static int requirePositive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a rate limit must be at least 1, not " + limit);
    }
    return limit;
  }
}
