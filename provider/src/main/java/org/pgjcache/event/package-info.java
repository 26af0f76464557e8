/**
 * {@code CacheEntryListener}s: registration, filtering and delivery of CREATED, UPDATED, REMOVED
 * and EXPIRED events, for changes made on this node and for those that arrive from other nodes.
 *
 * <p>Events of one key reach one listener in the order the key changed: asynchronous listeners each
 * have a serial queue, filled while the replica holds the key's slot; synchronous listeners run on
 * the thread that made or received the change, before a local operation returns.
 */
package org.pgjcache.event;
