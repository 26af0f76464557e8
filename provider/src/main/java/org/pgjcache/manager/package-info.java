/**
 * {@link javax.cache.CacheManager}: the caches of one URI and class loader, the backend they share,
 * and the threads that serve their listeners and background work, all released on close.
 */
package org.pgjcache.manager;
