/**
 * The in-memory replica of one cache on this node: what every read is served from.
 *
 * <p>A concurrent map with no global lock (readers of different keys never contend, the seeds'
 * per-key-concurrency promise), holding each entry with the revision it was written at. Changes are
 * applied only when their revision is newer than what the replica holds, and removals leave a short-lived
 * tombstone, so echoes, late notifications and catch-up fetches can arrive in any order without moving a
 * key backwards or resurrecting it.
 */
package org.pgjcache.store;
