/**
 * Plain load programs for looking into one workload at a time, outside JMH: longer runs, several
 * rounds, and the CPU the process spent per operation, for the profile notes of the benchmark
 * README.
 */
package org.pgjcache.bench.load;
