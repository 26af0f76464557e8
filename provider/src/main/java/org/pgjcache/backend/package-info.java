/**
 * Where entries are stored and how changes reach other nodes: the boundary between a cache's
 * semantics and a storage engine.
 *
 * <p>A backend knows nothing of JCache. It stores rows of {@code (cache, key text, value bytes,
 * revision, expiry instant)}, hands out revisions that grow with every change of a key, decides
 * conditional changes under a row lock ({@link org.pgjcache.backend.Backend#mutate}), and tells
 * every subscriber of a cache about committed changes made elsewhere. {@code postgres} is the
 * product; {@code memory} is the same contract inside one JVM, for users' own tests.
 */
package org.pgjcache.backend;
