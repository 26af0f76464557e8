package org.pgjcache;

/**
 * What one node's replica of a cache adds up to (the seeds' {@code GetCRC}): equal on every node
 * and in the database when they hold the same entries at the same revisions.
 *
 * @param count entries counted (values, including ones that expired here but are still in the
 *     table)
 * @param checksum the sum of all bucket sums, mod 2^64
 */
public record CacheChecksum(long count, long checksum) {}
