package org.pgjcache.expiry;

import java.util.function.Supplier;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.pgjcache.backend.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cache's expiry policy for a duration at each point the spec names (creation, update,
 * access) and turns it into an instant; {@link #KEEP} means "leave the current instant", as a null
 * duration does.
 */
public final class ExpiryCalculator {

  /** The policy returned null: the entry keeps the expiry instant it had. */
  public static final long KEEP = -1;

  private static final Logger LOG = LoggerFactory.getLogger(ExpiryCalculator.class);

  private final ExpiryPolicy policy;

  private final boolean touchesOnAccess;

  public ExpiryCalculator(ExpiryPolicy policy) {
    this.policy = policy;
    Class<?> type = policy.getClass();
    this.touchesOnAccess =
        type != EternalExpiryPolicy.class
            && type != CreatedExpiryPolicy.class
            && type != ModifiedExpiryPolicy.class;
  }

  /**
   * Whether reads must ask the policy for an access expiry: false for JCache's eternal, created and
   * modified policies, whose {@code getExpiryForAccess} is always null; true for anything else.
   */
  public boolean touchesOnAccess() {
    return touchesOnAccess;
  }

  public ExpiryPolicy policy() {
    return policy;
  }

  /** Expiry of a new entry; an instant not after {@code now} means it must not be stored. */
  public long forCreation(long now) {
    long at = instant(policy::getExpiryForCreation, now, "creation");
    return at == KEEP ? Row.ETERNAL : at;
  }

  /** Expiry of an updated entry, or {@link #KEEP}. */
  public long forUpdate(long now) {
    return instant(policy::getExpiryForUpdate, now, "update");
  }

  /** Expiry of an accessed entry, or {@link #KEEP}. */
  public long forAccess(long now) {
    return instant(policy::getExpiryForAccess, now, "access");
  }

  private static long instant(Supplier<Duration> source, long now, String what) {
    Duration duration;
    try {
      duration = source.get();
    } catch (RuntimeException e) {
      // the spec leaves a failing policy undefined; keeping the current expiry is the least
      // surprising
      LOG.warn("expiry policy failed to give the expiry for {}; keeping the current one", what, e);
      return KEEP;
    }
    if (duration == null) {
      return KEEP;
    }
    if (duration.isEternal()) {
      return Row.ETERNAL;
    }
    if (duration.isZero()) {
      return now;
    }
    long millis = duration.getTimeUnit().toMillis(duration.getDurationAmount());
    long at = now + millis;
    return at < now ? Row.ETERNAL : at;
  }

  /** Resolves {@link #KEEP} against the instant an entry has now. */
  public static long orKeep(long computed, long current) {
    return computed == KEEP ? current : computed;
  }
}
