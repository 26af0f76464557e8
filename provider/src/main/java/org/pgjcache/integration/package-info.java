/**
 * Read-through and write-through: adapters around the user's {@code CacheLoader} and {@code
 * CacheWriter} that apply the spec's exception wrapping and partial-failure rules in one place.
 */
package org.pgjcache.integration;
