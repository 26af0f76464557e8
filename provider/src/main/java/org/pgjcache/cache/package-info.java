/**
 * The {@link javax.cache.Cache} implementation: JCache's semantics for every operation, served from
 * the node's replica for reads and committed through the backend for writes.
 *
 * <p>A plain {@code put} is one statement; conditional operations ({@code putIfAbsent}, {@code
 * replace}, {@code getAndPut}, {@code invoke}, ...) are decided under the backend's row lock so
 * they hold across every node. Each committed change is then applied to the replica, which raises
 * the listener events.
 */
package org.pgjcache.cache;
