package org.pgjcache.codec;

import javax.cache.CacheException;

/** A stored key, value or notification that cannot be decoded; callers log, count and skip it. */
public class CorruptDataException extends CacheException {
  private static final long serialVersionUID = 1L;

  public CorruptDataException(String message) {
    super(message);
  }

  public CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
