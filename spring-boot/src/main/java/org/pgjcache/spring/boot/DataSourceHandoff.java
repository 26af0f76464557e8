package org.pgjcache.spring.boot;

import java.net.URI;
import java.util.Optional;
import java.util.Properties;
import javax.cache.CacheException;
import javax.sql.DataSource;
import org.pgjcache.config.BackendKind;
import org.pgjcache.config.Settings;
import org.pgjcache.config.SettingsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how pgjcache reaches the application's database, so that an application with a {@code
 * DataSource} needs no second set of connection settings for its cache.
 *
 * <p>In order: nothing when {@code pgjcache.use-application-data-source=false}, when pgjcache has a
 * {@code jdbc-url} of its own (system property, the pgjcache file, {@code PGJCACHE_JDBC_URL}: an
 * explicit choice, never overridden) or runs on the memory backend, or when {@code
 * spring.datasource.url} is not PostgreSQL. Otherwise the application's {@code DataSource} object
 * under {@code pgjcache.data-source}: pgjcache runs on the application's pool, and its LISTEN
 * connection (which no pool can serve) goes to the URL that pool tells (HikariCP's, Boot's default)
 * or, if it tells none, to {@code spring.datasource.url} with its user and password. Without a
 * unique {@code DataSource} bean, {@code spring.datasource.url}, {@code username} and {@code
 * password} are copied, and pgjcache opens a pool of its own on them.
 */
final class DataSourceHandoff {

  /** The provider setting that takes a {@link DataSource} object. */
  static final String DATA_SOURCE = "pgjcache.data-source";

  static final String JDBC_URL = "pgjcache.jdbc-url";
  static final String LISTEN_JDBC_URL = "pgjcache.listen-jdbc-url";
  static final String USER = "pgjcache.user";
  static final String PASSWORD = "pgjcache.password";

  private static final Logger LOG = LoggerFactory.getLogger(DataSourceHandoff.class);

  /** Resolves settings as the provider will; a parameter so tests can stand in for the provider. */
  @FunctionalInterface
  interface Resolver {
    Settings resolve(URI uri, ClassLoader classLoader, Properties properties);
  }

  /** What was decided, for logs and tests. */
  enum Choice {
    /** pgjcache resolves its connection by itself. */
    OWN_SETTINGS,
    /** the application's DataSource object is handed over. */
    DATA_SOURCE,
    /** {@code spring.datasource.url/username/password} are copied. */
    DATASOURCE_PROPERTIES
  }

  /** The properties to give to {@code getCacheManager}, and which way they connect. */
  record Decision(Properties properties, Choice choice) {}

  private final Resolver resolver;

  DataSourceHandoff() {
    this(SettingsResolver::resolve);
  }

  DataSourceHandoff(Resolver resolver) {
    this.resolver = resolver;
  }

  /**
   * @param uri the cache manager's URI
   * @param classLoader its class loader
   * @param use {@code pgjcache.use-application-data-source}
   * @param dataSource the application's DataSource, or {@code null}
   * @param database {@code spring.datasource.*}, if set
   * @return the properties for {@code getCacheManager}
   * @throws CacheException if pgjcache's own settings are invalid (as opening the manager would),
   *     or the DataSource does not tell its URL and nothing else does
   */
  Decision decide(
      URI uri,
      ClassLoader classLoader,
      boolean use,
      DataSource dataSource,
      Optional<ApplicationDatabase> database) {
    Properties none = new Properties();
    if (!use) {
      LOG.debug(
          "pgjcache.use-application-data-source=false: pgjcache connects with its own settings");
      return new Decision(none, Choice.OWN_SETTINGS);
    }
    if (dataSource == null && database.isEmpty()) {
      return new Decision(none, Choice.OWN_SETTINGS);
    }
    Settings own = resolver.resolve(uri, classLoader, none);
    if (own.backend() != BackendKind.POSTGRES) {
      LOG.info(
          "pgjcache runs on its {} backend; the application's DataSource is not used",
          own.backend().configName());
      return new Decision(none, Choice.OWN_SETTINGS);
    }
    String source = own.sourceOf("jdbc-url");
    if (isExplicit(source)) {
      LOG.info(
          "pgjcache connects to its own jdbc-url (from {}), not to the application's DataSource",
          source);
      return new Decision(none, Choice.OWN_SETTINGS);
    }
    if (database.isPresent() && !database.get().isPostgres()) {
      LOG.info(
          "spring.datasource.url ({}) is not a PostgreSQL database: pgjcache connects with its own"
              + " settings ({})",
          database.get().shownUrl(),
          own.describeTarget());
      return new Decision(none, Choice.OWN_SETTINGS);
    }
    if (dataSource != null) {
      return handOver(uri, classLoader, dataSource, database);
    }
    ApplicationDatabase db = database.get();
    Properties copied = new Properties();
    copied.setProperty(JDBC_URL, db.url());
    credentials(copied, db);
    LOG.info(
        "the application has no unique DataSource bean: pgjcache connects to spring.datasource.url"
            + " ({}) with a pool of its own",
        db.shownUrl());
    return new Decision(copied, Choice.DATASOURCE_PROPERTIES);
  }

  /**
   * The DataSource object; the LISTEN connection on the URL it tells, else on {@code
   * spring.datasource.url}. Fails, saying what to set, if neither is known.
   */
  private Decision handOver(
      URI uri,
      ClassLoader classLoader,
      DataSource dataSource,
      Optional<ApplicationDatabase> database) {
    Properties withDataSource = new Properties();
    withDataSource.put(DATA_SOURCE, dataSource);
    try {
      Settings settings = resolver.resolve(uri, classLoader, withDataSource);
      LOG.info(
          "pgjcache uses the application's DataSource; it listens for changes on {}",
          settings.describeListenTarget());
      return new Decision(withDataSource, Choice.DATA_SOURCE);
    } catch (CacheException e) {
      if (database.isEmpty()) {
        throw e;
      }
      ApplicationDatabase db = database.get();
      withDataSource.setProperty(LISTEN_JDBC_URL, db.url());
      credentials(withDataSource, db);
      resolver.resolve(uri, classLoader, withDataSource);
      LOG.info(
          "pgjcache uses the application's DataSource, which does not tell its URL ({}): it"
              + " listens for changes on spring.datasource.url ({})",
          e.getMessage(),
          db.shownUrl());
      return new Decision(withDataSource, Choice.DATA_SOURCE);
    }
  }

  private static void credentials(Properties properties, ApplicationDatabase db) {
    if (db.username() != null && !db.username().isBlank()) {
      properties.setProperty(USER, db.username());
    }
    if (db.password() != null && !db.password().isEmpty()) {
      properties.setProperty(PASSWORD, db.password());
    }
  }

  /**
   * Whether a {@code jdbc-url} came from somewhere the user chose for pgjcache: not the default and
   * not libpq's generic {@code PGHOST}/{@code PGPORT}/{@code PGDATABASE}.
   */
  static boolean isExplicit(String source) {
    if (source.equals("default") || source.equals("not set")) {
      return false;
    }
    return !(source.startsWith("env PG") && !source.startsWith("env PGJCACHE_"));
  }
}
