/**
 * The JMH benchmarks: each workload of issue 5 run on every peer, plus the raw JDBC statements that
 * bound what any PostgreSQL-backed cache can do.
 */
package org.pgjcache.bench.jmh;
