package org.pgjcache.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the JDBC URL, user and password a {@link DataSource} connects with, so that a user who
 * hands pgjcache the application's pool ({@code data-source}) need not repeat where the database
 * is: the LISTEN connection cannot come from a pool and needs a URL.
 *
 * <p>{@code DataSource} has no such getters; the common pools and drivers have them under a few
 * names ({@code HikariDataSource.getJdbcUrl}, pgjdbc's {@code PGSimpleDataSource.getURL}, {@code
 * getUrl} elsewhere), so they are looked up by name. A Hikari pool built around another data source
 * ({@code getDataSource()}) is looked into once. Nothing here connects.
 */
final class DataSourceUrls {

  private static final Logger LOG = LoggerFactory.getLogger(DataSourceUrls.class);
  private static final List<String> URL_GETTERS = List.of("getJdbcUrl", "getUrl", "getURL");
  private static final List<String> USER_GETTERS = List.of("getUsername", "getUser");

  /**
   * What a data source says about its database.
   *
   * @param url a {@code jdbc:postgresql:} URL
   * @param user its user, or null
   * @param password its password, or null
   */
  record Found(String url, String user, String password) {

    @Override
    public String toString() {
      return "Found[" + JdbcUrls.redact(url) + ", user=" + user + "]";
    }
  }

  private DataSourceUrls() {}

  /** The PostgreSQL URL of {@code dataSource} and its credentials, if a getter tells them. */
  static Optional<Found> of(DataSource dataSource) {
    Optional<Found> found = read(dataSource);
    if (found.isPresent()) {
      return found;
    }
    Object inner = call(dataSource, "getDataSource");
    return inner instanceof DataSource wrapped && wrapped != dataSource
        ? read(wrapped)
        : Optional.empty();
  }

  private static Optional<Found> read(DataSource dataSource) {
    for (String getter : URL_GETTERS) {
      if (call(dataSource, getter) instanceof String url
          && url.startsWith(JdbcUrls.POSTGRES_PREFIX)) {
        String user = null;
        for (String userGetter : USER_GETTERS) {
          if (user == null && call(dataSource, userGetter) instanceof String u && !u.isBlank()) {
            user = u;
          }
        }
        String password = call(dataSource, "getPassword") instanceof String p ? p : null;
        return Optional.of(new Found(url, user, password));
      }
    }
    return Optional.empty();
  }

  /** The value of a public no-argument getter, or null if there is none or it fails. */
  private static Object call(Object target, String getter) {
    Method method;
    try {
      method = target.getClass().getMethod(getter);
    } catch (NoSuchMethodException e) {
      return null;
    }
    try {
      return method.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      LOG.debug(
          "{}.{}() cannot be read: {}",
          target.getClass().getName(),
          getter,
          e instanceof InvocationTargetException i ? i.getCause() : e);
      return null;
    }
  }
}
