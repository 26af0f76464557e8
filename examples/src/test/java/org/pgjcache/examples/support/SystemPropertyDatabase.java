package org.pgjcache.examples.support;

import java.util.ArrayList;
import java.util.List;
import org.pgjcache.testkit.TestDatabase;

/**
 * Points pgjcache at a fresh test database through system properties, for frameworks that open the
 * cache manager themselves and take no pgjcache properties from the caller (Spring Boot's
 * auto-configuration). Close it to remove the properties again.
 */
public final class SystemPropertyDatabase implements AutoCloseable {

  private final String jdbcUrl;
  private final List<String> set = new ArrayList<>();

  private SystemPropertyDatabase(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * Creates a database and sets {@code pgjcache.jdbc-url}, {@code pgjcache.user} (and password).
   *
   * @param name prefix of the database's name
   * @return the handle that removes the properties on close
   */
  public static SystemPropertyDatabase create(String name) {
    TestDatabase db = TestDatabase.get();
    SystemPropertyDatabase handle = new SystemPropertyDatabase(db.createDatabase(name));
    handle.set("pgjcache.jdbc-url", handle.jdbcUrl);
    handle.set("pgjcache.user", db.user());
    if (!db.password().isEmpty()) {
      handle.set("pgjcache.password", db.password());
    }
    return handle;
  }

  private void set(String key, String value) {
    System.setProperty(key, value);
    set.add(key);
  }

  /**
   * @return the JDBC URL of the database, with its user
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  @Override
  public void close() {
    set.forEach(System::clearProperty);
    set.clear();
  }
}
