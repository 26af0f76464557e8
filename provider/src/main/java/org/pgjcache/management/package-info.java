/**
 * JCache's management view: per-cache statistics, the {@code CacheMXBean} and {@code
 * CacheStatisticsMXBean}, and their registration in the platform MBean server.
 */
package org.pgjcache.management;
