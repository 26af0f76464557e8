/**
 * pgjcache's benchmark suite: the same JCache workloads on pgjcache and its peers, measured in one
 * run so that the ratios between them mean something on whatever machine runs it.
 */
package org.pgjcache.bench;
