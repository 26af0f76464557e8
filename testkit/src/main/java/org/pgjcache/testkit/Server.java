package org.pgjcache.testkit;

/**
 * One way of having a PostgreSQL server: an external one, a container or an embedded process.
 * {@link TestDatabase} delegates to exactly one per JVM.
 */
interface Server {

  /** {@code "url"}, {@code "testcontainers"} or {@code "embedded"}. */
  String kind();

  /** Where the server listens and whom to connect as. */
  Endpoint endpoint();

  /**
   * Whether this server is known to demand passwords of the roles named by {@link
   * TestDatabase#SCRAM_ROLE_PREFIX}, {@link TestDatabase#MD5_ROLE_PREFIX} and {@link
   * TestDatabase#PASSWORD_ROLE_PREFIX}: only a server whose {@code pg_hba.conf} the testkit wrote.
   */
  default boolean demandsPasswords() {
    return false;
  }

  /** Whether {@link #stop()} and {@link #start()} are supported. */
  default boolean canRestart() {
    return false;
  }

  /** Stops the server, keeping its data; connections die. */
  default void stop() {
    throw new UnsupportedOperationException(
        kind() + " test databases cannot be stopped; only embedded ones can");
  }

  /** Starts the server again on the same port with the same data; a no-op when it runs. */
  default void start() {
    throw new UnsupportedOperationException(
        kind() + " test databases cannot be started; only embedded ones can");
  }

  /** Releases everything the server holds; called once, from the JVM shutdown hook. */
  void close();
}
