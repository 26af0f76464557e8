/**
 * Keeps every node's replicas in line with the database when notifications are not enough: a node
 * that lost its LISTEN connection, missed a notification, or whose rows were edited directly by
 * SQL.
 *
 * <p>Each replica keeps two order-independent sums of its {@code (key, revision)} pairs up to date
 * with one addition per change ({@link org.pgjcache.sync.ReplicaDigest}): a cheap one per cache
 * (count and sum of a hash of each revision) and a bucketed one (64 buckets by key, MD5 of key and
 * revision). One {@link org.pgjcache.sync.SyncAgent} per backend (not per cache, not per cache
 * manager) compares the cheap sums with the database's every heartbeat, and at once after a
 * reconnect; only for caches that differ does it ask for the buckets, list the divergent buckets'
 * keys and revisions, and read the rows that differ ({@link org.pgjcache.sync.Reconciler}). Once a
 * replica has been found in line, {@link org.pgjcache.sync.ChangeWatch} lets later heartbeats
 * compare only the rows changed since, so that their cost follows the changes, not the rows. The
 * agent also records the node in the node table and exposes its health through {@link
 * org.pgjcache.NodeSync} and the {@code org.pgjcache:type=Sync} MXBean.
 *
 * <p>The arithmetic of both sums lives here ({@link org.pgjcache.sync.Checksums}, {@link
 * org.pgjcache.sync.RevisionSums}, {@link org.pgjcache.sync.BucketSums}), and so does what the
 * heartbeat and the reaper need from a backend, {@link org.pgjcache.sync.Coordination}: each engine
 * implements it (the PostgreSQL one computes the same sums in SQL), and nothing here depends on an
 * engine.
 */
package org.pgjcache.sync;
