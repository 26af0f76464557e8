package org.pgjcache.config;

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
  private final Duration expiryCreated;
  private final Duration expiryAccessed;
  private final Duration expiryModified;
  private final Long maxEntries;
  private final Boolean storeByValue;
  private final Boolean statistics;
  private final Boolean management;
  private final String keyType;
  private final String valueType;
  private final String valueFormat;

  private CacheSettings(Builder b) {
    this.name = b.name;
    this.expiryCreated = b.expiryCreated;
    this.expiryAccessed = b.expiryAccessed;
    this.expiryModified = b.expiryModified;
    this.maxEntries = b.maxEntries;
    this.storeByValue = b.storeByValue;
    this.statistics = b.statistics;
    this.management = b.management;
    this.keyType = b.keyType;
    this.valueType = b.valueType;
    this.valueFormat = b.valueFormat;
  }

  /** Settings for a cache that configuration says nothing about. */
  public static CacheSettings empty(String name) {
    return new Builder(name).build();
  }

  /** The cache's name. */
  public String name() {
    return name;
  }

  /** Time to live after creation ({@code expiry.created}). */
  public Optional<Duration> expiryCreated() {
    return Optional.ofNullable(expiryCreated);
  }

  /** Time to live after the last access ({@code expiry.accessed}). */
  public Optional<Duration> expiryAccessed() {
    return Optional.ofNullable(expiryAccessed);
  }

  /** Time to live after the last update ({@code expiry.modified}). */
  public Optional<Duration> expiryModified() {
    return Optional.ofNullable(expiryModified);
  }

  /** Upper bound on entries held by this JVM's replica ({@code max-entries}). */
  public OptionalLong maxEntries() {
    return maxEntries == null ? OptionalLong.empty() : OptionalLong.of(maxEntries);
  }

  /** {@code store-by-value}. */
  public Optional<Boolean> storeByValue() {
    return Optional.ofNullable(storeByValue);
  }

  /** {@code statistics}. */
  public Optional<Boolean> statistics() {
    return Optional.ofNullable(statistics);
  }

  /** {@code management}. */
  public Optional<Boolean> management() {
    return Optional.ofNullable(management);
  }

  /** Fully qualified key class name ({@code key-type}); not loaded here. */
  public Optional<String> keyType() {
    return Optional.ofNullable(keyType);
  }

  /** Fully qualified value class name ({@code value-type}); not loaded here. */
  public Optional<String> valueType() {
    return Optional.ofNullable(valueType);
  }

  /**
   * {@code value-format}: {@code json} stores values as JSON through Jackson (readable from SQL, no
   * Java deserialization), {@code java} (the default) as pgjcache's tagged bytes.
   */
  public Optional<String> valueFormat() {
    return Optional.ofNullable(valueFormat);
  }

  /** Whether configuration set nothing for this cache. */
  public boolean isEmpty() {
    return expiryCreated == null
        && expiryAccessed == null
        && expiryModified == null
        && maxEntries == null
        && storeByValue == null
        && statistics == null
        && management == null
        && keyType == null
        && valueType == null
        && valueFormat == null;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CacheSettings other)) {
      return false;
    }
    return name.equals(other.name)
        && Objects.equals(expiryCreated, other.expiryCreated)
        && Objects.equals(expiryAccessed, other.expiryAccessed)
        && Objects.equals(expiryModified, other.expiryModified)
        && Objects.equals(maxEntries, other.maxEntries)
        && Objects.equals(storeByValue, other.storeByValue)
        && Objects.equals(statistics, other.statistics)
        && Objects.equals(management, other.management)
        && Objects.equals(keyType, other.keyType)
        && Objects.equals(valueType, other.valueType)
        && Objects.equals(valueFormat, other.valueFormat);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name,
        expiryCreated,
        expiryAccessed,
        expiryModified,
        maxEntries,
        storeByValue,
        statistics,
        management,
        keyType,
        valueType,
        valueFormat);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CacheSettings{name=").append(name);
    if (expiryCreated != null) {
      sb.append(", expiry.created=").append(formatExpiry(expiryCreated));
    }
    if (expiryAccessed != null) {
      sb.append(", expiry.accessed=").append(formatExpiry(expiryAccessed));
    }
    if (expiryModified != null) {
      sb.append(", expiry.modified=").append(formatExpiry(expiryModified));
    }
    if (maxEntries != null) {
      sb.append(", max-entries=").append(maxEntries);
    }
    if (storeByValue != null) {
      sb.append(", store-by-value=").append(storeByValue);
    }
    if (statistics != null) {
      sb.append(", statistics=").append(statistics);
    }
    if (management != null) {
      sb.append(", management=").append(management);
    }
    if (keyType != null) {
      sb.append(", key-type=").append(keyType);
    }
    if (valueType != null) {
      sb.append(", value-type=").append(valueType);
    }
    if (valueFormat != null) {
      sb.append(", value-format=").append(valueFormat);
    }
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

  /** Collects values during resolution. */
  static final class Builder {
    private final String name;
    Duration expiryCreated;
    Duration expiryAccessed;
    Duration expiryModified;
    Long maxEntries;
    Boolean storeByValue;
    Boolean statistics;
    Boolean management;
    String keyType;
    String valueType;
    String valueFormat;

    Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    CacheSettings build() {
      return new CacheSettings(this);
    }
  }
}
