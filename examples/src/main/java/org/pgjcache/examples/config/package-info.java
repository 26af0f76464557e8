/**
 * The seeds' configuration services, written over plain JCache: feature flags ({@code Cache<String,
 * Boolean>}), dynamic rate limits ({@code Cache<String, Integer>}) and a typed settings service
 * with defaults. Each node reads from its own replica (no network on a read), a change made on any
 * node reaches every node within milliseconds, and subscribers hear about it through a standard
 * {@code CacheEntryListener}. Nothing here depends on pgjcache's own classes, so the same code runs
 * on the {@code memory} backend in unit tests.
 */
package org.pgjcache.examples.config;
