package org.pgjcache.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.cache.expiry.Duration;

/**
 * Options for one named cache that were set in configuration rather than in code. Every value is
 * optional because an absent value means "whatever the programmatic {@link
 * javax.cache.configuration.Configuration} says", which only the caller knows; this class
 * deliberately has no opinion on how the two are combined.
 *
 * <p>Expiry durations use {@link Duration} from the JCache API so that {@code eternal} maps onto
 * {@link Duration#ETERNAL} without a second representation.
 */
public final class CacheSettings {

  private final String name;
  private final Map<Key, Object> values;

  CacheSettings(String name, Map<Key, Object> values) {
    this.name = Objects.requireNonNull(name, "name");
    this.values = Collections.unmodifiableMap(new EnumMap<>(values));
  }

  /** Settings for a cache that configuration says nothing about. */
  public static CacheSettings empty(String name) {
    return new CacheSettings(name, new EnumMap<>(Key.class));
  }

  @SuppressWarnings("unchecked")
  private <T> Optional<T> get(Key key) {
    return Optional.ofNullable((T) values.get(key));
  }

  /** The cache's name. */
  public String name() {
    return name;
  }

  /** Time to live after creation ({@code expiry.created}). */
  public Optional<Duration> expiryCreated() {
    return get(Key.EXPIRY_CREATED);
  }

  /** Time to live after the last access ({@code expiry.accessed}). */
  public Optional<Duration> expiryAccessed() {
    return get(Key.EXPIRY_ACCESSED);
  }

  /** Time to live after the last update ({@code expiry.modified}). */
  public Optional<Duration> expiryModified() {
    return get(Key.EXPIRY_MODIFIED);
  }

  /** Upper bound on entries held by this JVM's replica ({@code max-entries}). */
  public OptionalLong maxEntries() {
    Long n = (Long) values.get(Key.MAX_ENTRIES);
    return n == null ? OptionalLong.empty() : OptionalLong.of(n);
  }

  /** {@code store-by-value}. */
  public Optional<Boolean> storeByValue() {
    return get(Key.STORE_BY_VALUE);
  }

  /** {@code statistics}. */
  public Optional<Boolean> statistics() {
    return get(Key.STATISTICS);
  }

  /** {@code management}. */
  public Optional<Boolean> management() {
    return get(Key.MANAGEMENT);
  }

  /** Fully qualified key class name ({@code key-type}); not loaded here. */
  public Optional<String> keyType() {
    return get(Key.KEY_TYPE);
  }

  /** Fully qualified value class name ({@code value-type}); not loaded here. */
  public Optional<String> valueType() {
    return get(Key.VALUE_TYPE);
  }

  /**
   * {@code value-format}: {@code json} stores values as JSON through Jackson (readable from SQL, no
   * Java deserialization), {@code java} (the default) as pgjcache's tagged bytes.
   */
  public Optional<String> valueFormat() {
    return get(Key.VALUE_FORMAT);
  }

  /** Whether configuration set nothing for this cache. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The values set, by key, as configuration text (what {@link Settings#toProperties} writes). */
  Map<String, String> asText() {
    Map<String, String> text = new java.util.LinkedHashMap<>();
    values.forEach((key, value) -> text.put(key.text(), key.format(value)));
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheSettings other
        && name.equals(other.name)
        && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CacheSettings{name=").append(name);
    asText().forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
    return sb.append('}').toString();
  }

  /** {@code eternal} or the duration in the form {@link Durations#parse(String)} accepts. */
  static String formatExpiry(Duration d) {
    if (d.isEternal()) {
      return "eternal";
    }
    return Durations.format(
        java.time.Duration.ofMillis(d.getTimeUnit().toMillis(d.getDurationAmount())));
  }
}
