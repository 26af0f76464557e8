/**
 * Where entries are stored and how changes reach other nodes: the boundary between a cache's
 * semantics and a storage engine.
 *
 * <p>A backend knows nothing of JCache, and comes in parts that each do one job. Its {@link
 * org.pgjcache.backend.EntryStore} stores rows of {@code (cache, key text, value bytes, revision,
 * expiry instant)}, hands out revisions that grow with every change of a key and decides
 * conditional changes under a row lock ({@link org.pgjcache.backend.EntryStore#mutate}); its {@link
 * org.pgjcache.backend.ChangeFeed} tells every subscriber of a cache about committed changes made
 * elsewhere; its coordination of nodes (the reaper's role, the heartbeat's queries, the node table)
 * is the heartbeat's interface, {@link org.pgjcache.sync.Coordination}. {@code postgres} is the
 * product; {@code memory} is the same contract inside one JVM, for users' own tests.
 */
package org.pgjcache.backend;
