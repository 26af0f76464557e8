/**
 * Expiry that holds across the cluster: instants on the database clock, deferred accessed expiry,
 * and the reaper that expires entries for every node.
 *
 * <p><b>Instants.</b> {@link org.pgjcache.expiry.ExpiryCalculator} turns a cache's {@link
 * javax.cache.expiry.ExpiryPolicy} into absolute milliseconds on the backend's clock (the local
 * clock plus an offset measured against the database), stored with the entry. Every node compares
 * against the same clock, so nodes whose own clocks drift apart still agree when an entry expires,
 * and every read checks the instant: once it has passed, no node returns the entry, whether or not
 * the reaper has been by yet. Created, modified and accessed expiry all follow the policy.
 *
 * <p><b>Accessed expiry is deferred, not written on every read.</b> A read that extends an entry's
 * life moves the instant in this node's replica at once and records it in the cache's {@link
 * org.pgjcache.expiry.TouchQueue}; a background task writes the queued instants every 100 ms, one
 * write per key however often it was read meanwhile, and an operation that the database decides for
 * that key (an atomic operation, a removal) writes the key's pending one first. The price of never
 * making a read wait for the network: until the flush, other nodes still see the old instant, and
 * an entry read in the last ~100 ms before its old instant can be expired by the reaper before the
 * new one arrives (the touch then finds the entry gone and does nothing).
 *
 * <p><b>The reaper.</b> {@link org.pgjcache.expiry.ExpiryReaper} runs in every JVM, once per
 * backend, every {@code expiry-interval} (500 ms by default). One node at a time, chosen per step
 * by a PostgreSQL advisory lock, turns the expired rows into tombstones in batches of up to 1000
 * and announces each batch with a single notification per cache. Every node with listeners then
 * raises exactly one EXPIRED event per expired entry, normally within one interval of the expiry
 * instant plus the notification's delivery time; a node that already found the entry expired on a
 * read has raised its event then and stays silent. The reaper also purges tombstones older than
 * five minutes.
 */
package org.pgjcache.expiry;
