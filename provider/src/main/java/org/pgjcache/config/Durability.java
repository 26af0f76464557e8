package org.pgjcache.config;

import java.util.Locale;

/**
 * How hard a write waits for the database's WAL flush. Caches can usually afford to lose the last
 * few hundred milliseconds of writes on a server crash; {@code relaxed} trades that for latency.
 */
public enum Durability {
  /** Commits wait for the WAL flush, as PostgreSQL does by default. */
  FULL,
  /** Each transaction sets {@code synchronous_commit = off}. */
  RELAXED;

  /** The spelling used in configuration. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
