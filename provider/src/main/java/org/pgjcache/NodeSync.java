package org.pgjcache;

import java.time.Instant;
import java.util.Map;

/**
 * The health of one node's synchronisation with the database (one per backend, shared by every
 * cache manager using it): the seeds' {@code GetCRC} and health check, readable by applications,
 * tests and the {@code org.pgjcache:type=Sync} MXBean. Obtain it from {@link
 * PgCacheManager#sync()}.
 */
public interface NodeSync {

  /** Unique identity of this node, its key in the node table. */
  String nodeId();

  /** The configured {@code node-name}. */
  String nodeName();

  /** Heartbeats completed since the node started. */
  long heartbeats();

  /** Heartbeats that failed (database unreachable, timeout). */
  long heartbeatFailures();

  /** When the last heartbeat completed, or null before the first. */
  Instant lastHeartbeat();

  /**
   * Whether every cache matched the database at the last heartbeat: checksums equal, or the only
   * differences were changes still on their way.
   */
  boolean matched();

  /** When a heartbeat or reconnect last repaired an entry, or null. */
  Instant lastRepair();

  /** Entries changed by repairs since the node started. */
  long repairedEntries();

  /** Rows read by repairs since the node started (only rows that differed, never whole caches). */
  long rowsRead();

  /** {@code (key, revision)} pairs compared by repairs since the node started. */
  long keysCompared();

  /** Notifications that could not be parsed, or were not sealed by pgjcache, and were skipped. */
  long corruptNotificationsSkipped();

  /**
   * Of those, notifications refused because they did not carry pgjcache's HMAC: someone else sent
   * them on the channel.
   */
  long forgedNotificationsRefused();

  /** Whether this node hears other nodes' changes now, since when, where, and its last error. */
  ListenStatus listenStatus();

  /** Times the LISTEN connection was re-established. */
  long listenReconnects();

  /** Per cache name, what this node's replica adds up to now. */
  Map<String, CacheChecksum> caches();

  /**
   * Per cache name, what this node's local tier has done (hits, misses that read the database,
   * evictions) and holds; for a full replica only the size counts.
   */
  default Map<String, org.pgjcache.store.Replica.TierStats> localTiers() {
    return Map.of();
  }

  /** Runs a heartbeat now, repairing what differs, and waits for it (bounded by its timeouts). */
  void heartbeatNow();
}
