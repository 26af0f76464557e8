/** Workload 6: replica memory per entry and the time a new node takes to attach a cache. */
package org.pgjcache.bench.memory;
