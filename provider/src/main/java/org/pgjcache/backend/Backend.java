package org.pgjcache.backend;

/**
 * One engine under every cache of a data source, shared by all cache managers of a JVM that point
 * at it: its {@link EntryStore} and its {@link ChangeFeed}, opened and closed together. Its third
 * part, the {@link org.pgjcache.sync.Coordination} of nodes, belongs to the heartbeat and is handed
 * over beside it when the engine opens.
 */
public interface Backend extends AutoCloseable {

  /** A description for logs and errors, e.g. {@code postgres host:5432/db}; never a password. */
  String describe();

  /** Reads and writes of entries. */
  EntryStore store();

  /** Other nodes' changes, and whether this node hears them. */
  ChangeFeed feed();

  /** Releases connections and threads once no cache manager uses this backend any more. */
  @Override
  void close();
}
