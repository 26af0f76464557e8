package org.pgjcache.examples.spring;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A price quote, the kind of value worth caching. Cached values leave the JVM (they are stored in
 * PostgreSQL and read by other instances), so they are {@link Serializable}, and their package is
 * in {@code pgjcache.serialization.allow} in {@code pgjcache.yaml}.
 *
 * @param symbol the instrument
 * @param price its price
 * @param fetchedAt when the quote was fetched from the (slow) source
 */
public record Quote(String symbol, BigDecimal price, Instant fetchedAt) implements Serializable {}
