/**
 * The JCache service provider: what {@code Caching.getCachingProvider()} finds on the classpath,
 * and the registry of cache managers by class loader and URI.
 */
package org.pgjcache.spi;
