package org.pgjcache;

import java.util.Map;

/**
 * A node's synchronisation health for operators, registered as {@code
 * org.pgjcache:type=Sync,node=<node-name>,id=<node id prefix>}: the seeds' {@code GetCRC} and
 * health check (count, checksum, last repair, repaired entries) plus what explains a mismatch
 * (skipped notifications, reconnects, failed heartbeats).
 */
public interface SyncMXBean {

  String getNodeId();

  String getNodeName();

  long getHeartbeats();

  long getHeartbeatFailures();

  /** ISO-8601 instant of the last completed heartbeat, empty before the first. */
  String getLastHeartbeat();

  boolean isMatched();

  /** ISO-8601 instant of the last repair that changed an entry, empty if none. */
  String getLastRepair();

  long getRepairedEntries();

  long getRowsRead();

  long getCorruptNotificationsSkipped();

  long getForgedNotificationsRefused();

  long getListenReconnects();

  /** Whether this node hears other nodes' changes now. */
  boolean isListening();

  /** Since when (ISO-8601) it has been listening, or not listening. */
  String getListeningSince();

  /** Where it listens ({@code host:port/database}), or why it does not. */
  String getListenEndpoint();

  /** The last failure of the LISTEN connection, with its time, or an empty string. */
  String getLastListenError();

  /** Entries counted per cache on this node. */
  Map<String, Long> getEntryCounts();

  /** The checksum per cache on this node (the seeds' {@code GetCRC}). */
  Map<String, Long> getChecksums();

  /** The checksum of one cache on this node, 0 for an unknown or empty cache. */
  long checksum(String cache);

  /**
   * Per cache, reads answered by this node's local tier without the database (bounded replicas;
   * next to JCache's own hit and miss statistics, which count a value found in PostgreSQL as a
   * hit).
   */
  Map<String, Long> getLocalTierHits();

  /** Per cache, reads of keys the local tier did not hold, which went to the database. */
  Map<String, Long> getLocalTierMisses();

  /** Per cache, entries the local tier evicted to stay within {@code max-entries}. */
  Map<String, Long> getLocalTierEvictions();

  /** Per cache, entries (values and tombstones) the local tier holds now. */
  Map<String, Long> getLocalTierSizes();

  /** Per cache, the local tier's bound ({@code max-entries}), -1 for a full replica. */
  Map<String, Long> getLocalTierBounds();

  /** Runs a heartbeat now and waits for it. */
  void heartbeatNow();
}
