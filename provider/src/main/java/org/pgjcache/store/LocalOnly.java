package org.pgjcache.store;

/**
 * A value that lives on this node only: a store-by-reference cache was given a key or value that
 * cannot be serialized, so the entry is kept in the replica (as the spec's store-by-reference
 * allows) but is neither written to the database nor seen by other nodes.
 */
public record LocalOnly(Object value) {}
