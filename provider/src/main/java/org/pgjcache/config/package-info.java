/**
 * How a CacheManager learns its settings: this package owns the precedence between {@code
 * getCacheManager}'s Properties, system properties, the configuration file named by the
 * CacheManager URI, {@code PGJCACHE_*} and libpq ({@code PG*}) environment variables and defaults;
 * the parsing and validation of every value; and the guarantee that nothing invalid or unknown gets
 * past {@link org.pgjcache.config.SettingsResolver} unnoticed. Every key is a row of one table,
 * {@code Key} (name, scope, default, check, meaning), from which resolution, typo suggestions,
 * environment-variable names and the README's settings table are read.
 *
 * <p>It also owns the two rules other packages rely on when they build SQL and messages: schema,
 * table and channel names are {@link org.pgjcache.config.Identifiers validated} before they can be
 * spliced into SQL, and the password never appears in {@code toString()}, target descriptions or
 * exception messages produced here.
 *
 * <p>It does not connect to anything, load key/value classes, or decide how configured per-cache
 * options combine with a programmatic {@link javax.cache.configuration.Configuration}.
 */
package org.pgjcache.config;
