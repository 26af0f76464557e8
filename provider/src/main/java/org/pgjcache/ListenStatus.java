package org.pgjcache;

/**
 * Whether a node hears other nodes' changes right now: a node that does not serves what it last
 * heard until its LISTEN connection is back (and reconciled) or the heartbeat repairs it, so
 * operators need to see it, not guess it from a reconnect count.
 *
 * @param listening whether changes are being received now
 * @param sinceMillis since when (epoch millis) it has been listening, or not listening
 * @param endpoint where it listens ({@code host:port/database}), or why not
 * @param lastError the last connection failure, or null
 * @param lastErrorAtMillis when that was (epoch millis), or 0
 */
public record ListenStatus(
    boolean listening,
    long sinceMillis,
    String endpoint,
    String lastError,
    long lastErrorAtMillis) {

  /** A backend whose changes reach its caches in the same process, without a connection. */
  public static ListenStatus inProcess(long sinceMillis) {
    return new ListenStatus(true, sinceMillis, "in-process", null, 0);
  }
}
