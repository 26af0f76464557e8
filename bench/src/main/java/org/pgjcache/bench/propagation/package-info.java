/**
 * Workload 5, propagation: a put on one node to a listener event on another, next to bare NOTIFY
 * deliveries to pgjdbc's polling loop and to an event-driven client; and issue 14's many nodes
 * ({@link org.pgjcache.bench.propagation.ManyNodes}): throughput and propagation with 1 to 32
 * listening nodes spread over {@link org.pgjcache.bench.propagation.NodeHost} JVMs.
 */
package org.pgjcache.bench.propagation;
