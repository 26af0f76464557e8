/** Reads a run's JSON results back and turns them into the README's ratio table and chart. */
package org.pgjcache.bench.report;
