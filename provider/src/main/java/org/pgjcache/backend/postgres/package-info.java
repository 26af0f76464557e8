/**
 * The PostgreSQL backend: one table holds every cache (the cache name is a column, never spliced
 * into SQL), a sequence hands out revisions, every write commits together with its NOTIFY, and one
 * dedicated LISTEN connection per backend feeds committed changes to every cache of this JVM.
 */
package org.pgjcache.backend.postgres;
