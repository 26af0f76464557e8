/**
 * The PostgreSQL backend: one table holds every cache (the cache name is a column, never spliced
 * into SQL), a sequence hands out revisions, every write commits together with its NOTIFY, and one
 * dedicated LISTEN connection per backend feeds committed changes to every cache of this JVM.
 *
 * <p>Its three parts share one pool ({@link org.pgjcache.backend.postgres.Jdbc}, with the {@link
 * org.pgjcache.backend.postgres.Watchdog} that bounds every call): {@link
 * org.pgjcache.backend.postgres.PostgresStore} (entries; single puts through the {@link
 * org.pgjcache.backend.postgres.WriteCombiner}), {@link org.pgjcache.backend.postgres.PostgresFeed}
 * (the LISTEN connection, sealed payloads, per-cache lanes, fences, the probe) and {@link
 * org.pgjcache.backend.postgres.PostgresCoordination} (reaper role, heartbeat queries, node table).
 * {@link org.pgjcache.backend.postgres.PostgresBackend} opens them in order and closes them.
 */
package org.pgjcache.backend.postgres;
