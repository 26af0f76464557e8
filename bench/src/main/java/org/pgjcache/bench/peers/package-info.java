/**
 * The JCache implementations the benchmarks compare, each opened as its users would open it:
 * pgjcache on PostgreSQL, Caffeine, Redisson on Redis and Hazelcast with an embedded member.
 */
package org.pgjcache.bench.peers;
