package org.pgjcache.examples.spring;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Plain Spring caching annotations; pgjcache makes their cache shared by every instance of the
 * application and keeps each instance's copy in sync.
 */
@Service
public class QuoteService {

  private final QuoteSource source;

  public QuoteService(QuoteSource source) {
    this.source = source;
  }

  /**
   * A quote, fetched once and then served from the cache ({@code Cache.get} and {@code Cache.put}).
   *
   * @param symbol the instrument
   * @return the cached or freshly fetched quote
   */
  @Cacheable("quotes")
  public Quote quote(String symbol) {
    return source.fetch(symbol);
  }

  /**
   * A quote computed by at most one caller at a time per symbol: with {@code sync = true} Spring
   * asks the cache to load the value atomically ({@code Cache.invoke} with an entry processor that
   * calls a non-serializable lambda), and pgjcache runs it under the entry's row lock in
   * PostgreSQL, so concurrent callers, on this instance or any other, wait for the one computation
   * instead of repeating it.
   *
   * @param symbol the instrument
   * @return the cached or freshly fetched quote
   */
  @Cacheable(cacheNames = "closing-quotes", sync = true)
  public Quote closingQuote(String symbol) {
    return source.fetch(symbol);
  }

  /**
   * Drops a quote from the cache, on every instance.
   *
   * @param symbol the instrument
   */
  @CacheEvict("quotes")
  public void forget(String symbol) {
    // the annotation does the work
  }
}
