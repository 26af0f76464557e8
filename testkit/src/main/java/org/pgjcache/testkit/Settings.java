package org.pgjcache.testkit;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads the testkit's knobs. Each one is a system property {@code pgjcache.test.<key>} or, when
 * that is absent, an environment variable {@code PGJCACHE_TEST_<KEY>} (upper case, '-' becomes
 * '_'); a blank value counts as absent. System properties win so that a single run can override
 * what the environment says.
 */
final class Settings {

  /** JDBC URL of an existing server; when set, nothing is started. */
  static final String JDBC_URL = "jdbc-url";

  /**
   * User for {@link #JDBC_URL}; default: the URL's {@code user} parameter, then pgjdbc's default.
   */
  static final String USER = "user";

  /** Password for {@link #JDBC_URL}; default: the URL's {@code password} parameter, then none. */
  static final String PASSWORD = "password";

  /**
   * {@code false} never uses Testcontainers; {@code true} asks Testcontainers for Docker even when
   * no Docker socket or configuration is visible; anything else (the default, {@code auto}) asks
   * only when one is.
   */
  static final String TESTCONTAINERS = "testcontainers";

  /** Docker image for the Testcontainers server. */
  static final String POSTGRES_IMAGE = "postgres-image";

  /**
   * Directory for the embedded server's binaries and data; default: a per-user directory under
   * java.io.tmpdir.
   */
  static final String EMBEDDED_DIR = "embedded-dir";

  private Settings() {}

  static Optional<String> get(String key) {
    String value = System.getProperty(propertyName(key));
    if (value == null || value.isBlank()) {
      value = System.getenv(environmentName(key));
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  static String propertyName(String key) {
    return "pgjcache.test." + key;
  }

  static String environmentName(String key) {
    return "PGJCACHE_TEST_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** How a setting was given, for messages: {@code -Dpgjcache.test.x / PGJCACHE_TEST_X}. */
  static String describe(String key) {
    return "-D" + propertyName(key) + " / " + environmentName(key);
  }
}
