package org.pgjcache.spring.boot;

import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.util.ClassUtils;

/**
 * The application's own connection settings, as Spring Boot's {@code DataSourceProperties} holds
 * them ({@code spring.datasource.url}, {@code username}, {@code password}): what pgjcache falls
 * back to when it cannot take the application's {@code DataSource} object itself.
 *
 * @param url the JDBC URL, or {@code null} if the application set none
 * @param username the user, or {@code null}
 * @param password the password, or {@code null}
 */
record ApplicationDatabase(String url, String username, String password) {

  /**
   * @return whether the URL names a PostgreSQL database, the only kind pgjcache can use
   */
  boolean isPostgres() {
    return url != null && url.startsWith("jdbc:postgresql:");
  }

  /**
   * @return the URL without its parameters (which may carry a password) and without anything before
   *     an {@code @} (a user or password some drivers take there), for log lines
   */
  String shownUrl() {
    if (url == null) {
      return "none";
    }
    int query = url.indexOf('?');
    String shown = query < 0 ? url : url.substring(0, query) + "?...";
    int at = shown.lastIndexOf('@');
    return at < 0 ? shown : "jdbc:postgresql://..." + shown.substring(at);
  }

  /**
   * Reads the application's {@code DataSourceProperties} bean, if spring-jdbc (which that class
   * needs) is on the class path and there is exactly one such bean.
   */
  static Optional<ApplicationDatabase> of(ListableBeanFactory beans, ClassLoader classLoader) {
    if (!ClassUtils.isPresent(
            "org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType", classLoader)
        || !ClassUtils.isPresent(
            "org.springframework.boot.autoconfigure.jdbc.DataSourceProperties", classLoader)) {
      return Optional.empty();
    }
    return SpringJdbc.read(beans);
  }

  /**
   * Kept apart so that DataSourceProperties is loaded only once spring-jdbc is known to be there.
   */
  private static final class SpringJdbc {

    static Optional<ApplicationDatabase> read(ListableBeanFactory beans) {
      DataSourceProperties properties =
          beans.getBeanProvider(DataSourceProperties.class).getIfUnique();
      if (properties == null || properties.getUrl() == null) {
        return Optional.empty();
      }
      return Optional.of(
          new ApplicationDatabase(
              properties.getUrl(), properties.getUsername(), properties.getPassword()));
    }
  }
}
