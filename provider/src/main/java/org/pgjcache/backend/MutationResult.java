package org.pgjcache.backend;

/**
 * What a {@link Backend#mutate} did.
 *
 * @param before the entry the mutator saw, or null
 * @param mutation what the mutator decided
 * @param rev revision of the committed change, 0 if nothing changed
 */
public record MutationResult(Row before, Mutation mutation, long rev) {}
