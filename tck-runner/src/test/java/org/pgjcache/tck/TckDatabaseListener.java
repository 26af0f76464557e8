package org.pgjcache.tck;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Gives the TCK a fresh, empty database before any test class is discovered or run.
 *
 * <p>Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener},
 * so it runs inside the forked test JVM, the same JVM as the provider. It sets the system
 * properties the provider reads when it is asked for a {@code CacheManager} with no properties:
 * {@value #JDBC_URL}, {@value #USER} and {@value #PASSWORD}.
 *
 * <p>If {@value #JDBC_URL} is already set (for example {@code mvn ... -Dpgjcache.jdbc-url=...},
 * which Surefire passes on to the fork), that database is used as it is and nothing is created. The
 * work is done once per JVM even if the launcher opens several sessions.
 */
public final class TckDatabaseListener implements LauncherSessionListener {

  static final String JDBC_URL = "pgjcache.jdbc-url";
  static final String USER = "pgjcache.user";
  static final String PASSWORD = "pgjcache.password";

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    prepareDatabase();
  }

  private static synchronized void prepareDatabase() {
    if (System.getProperty(JDBC_URL) != null) {
      return;
    }
    var database = org.pgjcache.testkit.TestDatabase.get();
    String jdbcUrl = database.createDatabase("tck");
    System.setProperty(USER, database.user());
    System.setProperty(PASSWORD, database.password());
    System.setProperty(JDBC_URL, jdbcUrl);
  }
}
