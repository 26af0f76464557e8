package org.pgjcache.expiry;

import java.io.Serializable;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * The expiry policy of a cache declared in a configuration file: any combination of {@code
 * expiry.created}, {@code expiry.accessed} and {@code expiry.modified}. Creation defaults to
 * eternal; an access or update that the file does not mention leaves the expiry as it is.
 */
public final class ConfiguredExpiryPolicy implements ExpiryPolicy, Serializable {

  private static final long serialVersionUID = 1L;

  private final Duration created;
  private final Duration accessed;
  private final Duration modified;

  public ConfiguredExpiryPolicy(Duration created, Duration accessed, Duration modified) {
    this.created = created == null ? Duration.ETERNAL : created;
    this.accessed = accessed;
    this.modified = modified;
  }

  @Override
  public Duration getExpiryForCreation() {
    return created;
  }

  @Override
  public Duration getExpiryForAccess() {
    return accessed;
  }

  @Override
  public Duration getExpiryForUpdate() {
    return modified;
  }
}
