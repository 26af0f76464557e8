package org.pgjcache.sync;

import java.time.Instant;
import org.pgjcache.ListenStatus;

/**
 * What a node records about itself in the node table at each heartbeat, so that operators can see
 * in SQL which nodes are alive and whether their replicas matched the database.
 *
 * @param nodeId unique identity of the node (one per backend)
 * @param name the configured {@code node-name}
 * @param started when the node started
 * @param caches how many caches the node serves
 * @param matched whether every cache matched the database at this heartbeat (changes in flight
 *     aside)
 * @param lastRepair when a repair last changed an entry, or null
 * @param repairedEntries how many entries repairs have changed since the node started
 * @param listen whether the node hears other nodes' changes now, since when, its last error
 * @param skippedNotifications notifications skipped since the node started (unparseable or forged)
 * @param forgedNotifications of those, notifications without pgjcache's HMAC
 */
public record NodeBeat(
    String nodeId,
    String name,
    Instant started,
    int caches,
    boolean matched,
    Instant lastRepair,
    long repairedEntries,
    ListenStatus listen,
    long skippedNotifications,
    long forgedNotifications) {}
