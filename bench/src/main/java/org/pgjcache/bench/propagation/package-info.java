/**
 * Workload 5, propagation: a put on one node to a listener event on another, next to bare NOTIFY
 * deliveries to pgjdbc's polling loop and to an event-driven client.
 */
package org.pgjcache.bench.propagation;
