package org.pgjcache.backend;

/**
 * One cache instance's attachment to a backend. Its origin marks the writes it makes, so that the
 * backend does not echo them back to it.
 */
public interface Subscription extends AutoCloseable {

  /** The identity stamped on this instance's writes, unique across all JVMs. */
  String origin();

  @Override
  void close();
}
