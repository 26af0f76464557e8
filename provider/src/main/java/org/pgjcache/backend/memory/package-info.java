/**
 * The backend that keeps everything inside one JVM: the same contract as PostgreSQL (revisions,
 * atomic mutations, change announcements to other cache instances) with no database, for tests of
 * applications that use pgjcache.
 */
package org.pgjcache.backend.memory;
