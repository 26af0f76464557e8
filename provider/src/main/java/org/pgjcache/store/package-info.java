/**
 * The in-memory replica of one cache on this node: what every read is served from.
 *
 * <p>One interface, {@link org.pgjcache.store.Replica}, with two implementations chosen where the
 * cache is built: a full replica (a concurrent map with no global lock holding every entry, so
 * readers of different keys never contend, the seeds' per-key-concurrency promise) and a bounded
 * one (a Caffeine cache of at most {@code max-entries} entries whose misses read through to the
 * database). Both hold each entry with the revision it was written at; changes are applied only
 * when their revision is newer than what the replica holds, and removals leave a short-lived
 * tombstone, so echoes, late notifications, catch-up fetches and read-through loads can arrive in
 * any order without moving a key backwards or resurrecting it.
 */
package org.pgjcache.store;
