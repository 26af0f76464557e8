package org.pgjcache.codec;

import javax.cache.CacheException;

/** A key or value that Java serialization refuses, so it cannot be stored in the database. */
public class NotSerializableValueException extends CacheException {
  private static final long serialVersionUID = 1L;

  public NotSerializableValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
