package org.pgjcache.backend;

/** An unconditional put of one entry, as part of a single or bulk write. */
public record Write(String key, byte[] value, long expireAt) {}
