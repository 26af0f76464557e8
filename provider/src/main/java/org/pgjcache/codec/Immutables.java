package org.pgjcache.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;

/** Knows which classes cannot change after construction, so store-by-value need not copy them. */
public final class Immutables {

  private static final Set<Class<?>> TYPES =
      Set.of(
          String.class,
          Boolean.class,
          Byte.class,
          Short.class,
          Character.class,
          Integer.class,
          Long.class,
          Float.class,
          Double.class,
          BigInteger.class,
          BigDecimal.class,
          UUID.class,
          URI.class,
          Instant.class,
          Duration.class,
          Period.class,
          LocalDate.class,
          LocalTime.class,
          LocalDateTime.class,
          OffsetDateTime.class,
          ZonedDateTime.class,
          ZoneOffset.class,
          Class.class);

  private Immutables() {}

  public static boolean isImmutable(Object value) {
    Class<?> type = value.getClass();
    return TYPES.contains(type)
        || type.isEnum()
        || (type.getSuperclass() != null && type.getSuperclass().isEnum());
  }
}
