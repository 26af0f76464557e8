package org.pgjcache.config;

import java.util.Locale;

/**
 * Where entries live. {@code memory} exists so that applications and tests can run the same code
 * without a database, at the price of nothing being shared between JVMs.
 */
public enum BackendKind {
  /** Entries are stored in PostgreSQL and kept in sync across JVMs. */
  POSTGRES,
  /** Entries live in this JVM only; no database is contacted. */
  MEMORY;

  /** The spelling used in configuration. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
