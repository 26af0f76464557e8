package org.pgjcache.examples.spring;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Stands in for something slow and expensive (a remote API, a heavy query): it takes a while and it
 * counts its calls, so that the example can show which calls the cache saved.
 */
@Component
public class QuoteSource {

  private final AtomicInteger calls = new AtomicInteger();
  private volatile Duration latency = Duration.ofMillis(200);

  /**
   * Fetches a quote the slow way.
   *
   * @param symbol the instrument
   * @return a fresh quote
   */
  public Quote fetch(String symbol) {
    calls.incrementAndGet();
    try {
      Thread.sleep(latency.toMillis()); // the cost the cache is there to save
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching " + symbol, e);
    }
    BigDecimal price =
        BigDecimal.valueOf(Math.floorMod(symbol.hashCode(), 10_000), 2)
            .setScale(2, RoundingMode.UNNECESSARY);
    return new Quote(symbol, price, Instant.now());
  }

  /**
   * @return how many times {@link #fetch(String)} ran
   */
  public int calls() {
    return calls.get();
  }

  /**
   * @param latency how long each fetch takes from now on
   */
  public void latency(Duration latency) {
    this.latency = latency;
  }
}
