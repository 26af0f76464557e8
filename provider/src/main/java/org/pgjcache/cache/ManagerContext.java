package org.pgjcache.cache;

import java.net.URI;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import javax.cache.CacheManager;
import org.pgjcache.backend.Backend;
import org.pgjcache.codec.ValueCodec;
import org.pgjcache.sync.SyncAgent;

/** What a cache needs from the manager that owns it, without depending on the manager's class. */
public interface ManagerContext {

  CacheManager manager();

  URI uri();

  Backend backend();

  ValueCodec codec();

  /** Runs asynchronous listeners and {@code loadAll}; shut down with the manager. */
  Executor executor();

  /** Runs periodic work (deferred expiry writes); shut down with the manager. */
  ScheduledExecutorService scheduler();

  /** Called once when a cache closes, so the manager forgets it. */
  void released(String cacheName);

  /** Whether the cache of this name is declared {@code value-format: json}. */
  boolean jsonValues(String cacheName);

  /**
   * The bound of the named cache's replica on this node ({@code caches.<name>.max-entries}, else
   * the manager's {@code max-entries}); empty for a full replica.
   */
  java.util.OptionalLong maxEntries(String cacheName);

  /** The heartbeat of the backend, which caches join to be reconciled. */
  SyncAgent sync();
}
