/**
 * What an application may name of pgjcache, beyond {@code javax.cache}: the provider ({@link
 * org.pgjcache.PgCachingProvider}, also found by {@code Caching.getCachingProvider()}), the
 * manager's extension and {@code unwrap} target ({@link org.pgjcache.PgCacheManager}), a node's
 * sync status and health ({@link org.pgjcache.NodeSync}, {@link org.pgjcache.ListenStatus}, {@link
 * org.pgjcache.CacheChecksum}, the {@link org.pgjcache.SyncMXBean}), and the DDL for deployments
 * whose role may not create tables ({@link org.pgjcache.PgCachingProvider#ddl}). Settings are named
 * by their property keys ({@code pgjcache.*}), listed in the README. Every other package is
 * internal and may change in any release; the module exports only this one.
 */
package org.pgjcache;
