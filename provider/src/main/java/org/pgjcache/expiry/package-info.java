/**
 * Turns a cache's {@link javax.cache.expiry.ExpiryPolicy} into expiry instants on the database clock.
 *
 * <p>Instants are absolute milliseconds on the backend's clock (estimated locally from a measured offset),
 * so every node agrees when an entry expires even if their own clocks drift apart.
 */
package org.pgjcache.expiry;
