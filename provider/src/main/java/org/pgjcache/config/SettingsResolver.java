package org.pgjcache.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import javax.cache.CacheException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the many places a setting can come from into one {@link Settings}, so that precedence is
 * decided in exactly one place. First source wins:
 *
 * <ol>
 *   <li>the {@link Properties} given to {@code getCacheManager} ({@code pgjcache.*} keys; other
 *       keys are ignored because applications pass their own things there too);
 *   <li>JVM system properties starting with {@code pgjcache.};
 *   <li>the file the URI names ({@code classpath:}, {@code file:} or an absolute path; for {@link
 *       Settings#DEFAULT_URI} an optional {@code pgjcache.yaml|yml|properties} on the class path;
 *       any other URI is only an identity);
 *   <li>{@code PGJCACHE_*} environment variables (global settings only; empty means unset);
 *   <li>for the user and password only: the {@code user=} and {@code password=} parameters of the
 *       JDBC URL given above;
 *   <li>libpq's {@code PGHOST}, {@code PGPORT}, {@code PGDATABASE} (building the JDBC URL when none
 *       was given above; skipped for the memory backend), {@code PGUSER} and {@code PGPASSWORD};
 *   <li>defaults, which follow libpq: user = OS user, database = user.
 * </ol>
 *
 * <p>Every source is checked for unknown {@code pgjcache.*} / {@code PGJCACHE_*} names, even when a
 * higher source shadows it, because a misspelt setting that is silently ignored is the hardest kind
 * of misconfiguration to find.
 */
public final class SettingsResolver {

  private static final Logger LOG = LoggerFactory.getLogger(SettingsResolver.class);

  private static final String SOURCE_PROPERTIES = "properties";
  private static final String SOURCE_SYSTEM = "system property";

  private static volatile String localHostName;

  private SettingsResolver() {}

  /** One value and where it came from. */
  private record Raw(String value, String source) {}

  /**
   * Resolves settings from the given arguments, this JVM's system properties and this process's
   * environment.
   *
   * @param uri the CacheManager URI; {@code null} means {@link Settings#DEFAULT_URI}
   * @param classLoader loads {@code classpath:} files; {@code null} means the context class loader
   * @param properties the properties passed to {@code getCacheManager}; may be {@code null}
   * @throws CacheException if any source holds an unknown setting, an invalid value, or the URI
   *     names a file that is missing or malformed
   */
  public static Settings resolve(URI uri, ClassLoader classLoader, Properties properties) {
    return resolve(uri, classLoader, properties, System.getenv(), System.getProperties());
  }

  /**
   * As {@link #resolve(URI, ClassLoader, Properties)}, with the environment and system properties
   * supplied by the caller, so that tests (and embedders) do not depend on the real process.
   */
  public static Settings resolve(
      URI uri,
      ClassLoader classLoader,
      Properties properties,
      Map<String, String> env,
      Properties system) {
    URI id = uri == null ? Settings.DEFAULT_URI : uri;
    ClassLoader cl = classLoader != null ? classLoader : defaultClassLoader();
    Map<String, String> environment = env == null ? Map.of() : env;
    Properties sys = system == null ? new Properties() : system;

    Map<String, Raw> merged = new LinkedHashMap<>();
    addAll(merged, fromProperties(properties, SOURCE_PROPERTIES, true));
    addAll(merged, fromProperties(sys, SOURCE_SYSTEM, false));
    Optional<SettingsFile> file = SettingsFile.forUri(id, cl);
    file.ifPresent(f -> addAll(merged, fromFile(f)));
    addAll(merged, fromEnv(environment));

    Settings.Builder b = new Settings.Builder();
    b.uri = id;
    b.file = file.map(SettingsFile::source).orElse(null);
    b.dataSource = dataSource(properties);
    if (b.dataSource != null) {
      b.sources.put(Keys.DATA_SOURCE, SOURCE_PROPERTIES);
    }
    Values v = new Values(merged, b.sources);

    for (Key key : Key.GLOBAL) {
      if (key.defaultText() != null) {
        b.values.put(key, v.get(key.text(), key.defaultText(), key::parse));
      } else if (key == Key.MAX_ENTRIES_DEFAULT && v.has(key.text())) {
        b.values.put(key, v.get(key.text(), null, key::parse));
      }
    }
    resolveConnection(v, b, environment, sys);

    String node = Key.NODE_NAME.text();
    if (v.has(node)) {
      b.values.put(Key.NODE_NAME, v.get(node, null, Key.NODE_NAME::parse));
    } else {
      b.values.put(Key.NODE_NAME, hostName(environment) + "-" + ProcessHandle.current().pid());
      b.sources.put(node, Settings.DEFAULT_SOURCE);
    }

    resolveCaches(merged, v, b);

    Settings settings = b.build();
    if (LOG.isDebugEnabled()) {
      LOG.debug("Resolved {}", settings);
    }
    return settings;
  }

  // ---------------------------------------------------------------- connection: user, password,
  // URL

  private static void resolveConnection(
      Values v, Settings.Builder b, Map<String, String> env, Properties sys) {
    // The URL first: its user= and password= come between the pgjcache settings and libpq's
    // variables,
    // so that the pool and the LISTEN connection, which both take them from Settings, log in alike.
    String explicitUrl = v.optional(Key.JDBC_URL);
    String listenUrl = v.optional(Key.LISTEN_JDBC_URL);
    b.values.put(Key.LISTEN_JDBC_URL, listenUrl);
    BackendKind backend = b.get(Key.BACKEND);
    boolean notifications = b.get(Key.NOTIFICATIONS);
    DataSourceUrls.Found fromDataSource = null;
    if (b.dataSource != null && explicitUrl == null && backend == BackendKind.POSTGRES) {
      fromDataSource = DataSourceUrls.of(b.dataSource).orElse(null);
      if (fromDataSource != null) {
        explicitUrl = fromDataSource.url();
        b.sources.put(Key.JDBC_URL.text(), "data-source");
      } else if (listenUrl != null) {
        explicitUrl = listenUrl;
        b.sources.put(Key.JDBC_URL.text(), "listen-jdbc-url");
      } else if (notifications) {
        throw new CacheException(
            "pgjcache.data-source is a "
                + b.dataSource.getClass().getName()
                + ", whose JDBC URL pgjcache cannot read (it has no getJdbcUrl, getUrl or getURL"
                + " giving a jdbc:postgresql: URL), and the LISTEN connection needs one: set"
                + " pgjcache.listen-jdbc-url (or pgjcache.jdbc-url) to the PostgreSQL database of the"
                + " data source");
      }
    }
    Map<String, String> urlParams =
        explicitUrl == null ? Map.of() : JdbcUrls.parameters(explicitUrl);
    String urlUser = urlParams.get(JdbcUrls.USER_PARAM);
    String urlPassword = urlParams.get(JdbcUrls.PASSWORD_PARAM_NAME);
    String urlSource = fromDataSource != null ? "data-source URL" : "jdbc-url";

    String user;
    if (v.has(Key.USER.text())) {
      user = v.optional(Key.USER);
      if (nonEmpty(urlUser) && !urlUser.equals(user)) {
        LOG.warn(
            "pgjcache.user ({}) overrides the user= of pgjcache.jdbc-url: connecting as {}, not {}",
            b.sources.get(Key.USER.text()),
            user,
            urlUser);
      }
    } else if (nonEmpty(urlUser)) {
      user = urlUser;
      b.sources.put(Key.USER.text(), "user= of " + urlSource);
    } else if (fromDataSource != null && nonEmpty(fromDataSource.user())) {
      user = fromDataSource.user();
      b.sources.put(Key.USER.text(), "data-source");
    } else if (nonEmpty(env.get("PGUSER"))) {
      user = env.get("PGUSER");
      b.sources.put(Key.USER.text(), "env PGUSER");
    } else {
      String os = sys.getProperty("user.name");
      if (os == null || os.isBlank()) {
        os = System.getProperty("user.name", "postgres");
      }
      user = os;
      b.sources.put(Key.USER.text(), Settings.DEFAULT_SOURCE);
    }
    b.values.put(Key.USER, user);

    String password = null;
    if (v.has(Key.PASSWORD.text())) {
      password = v.optional(Key.PASSWORD);
      if (urlPassword != null && !urlPassword.equals(password)) {
        LOG.warn(
            "pgjcache.password ({}) overrides the password= of pgjcache.jdbc-url",
            b.sources.get(Key.PASSWORD.text()));
      }
    } else if (urlPassword != null) {
      password = urlPassword;
      b.sources.put(Key.PASSWORD.text(), "password= of " + urlSource);
    } else if (fromDataSource != null && fromDataSource.password() != null) {
      password = fromDataSource.password();
      b.sources.put(Key.PASSWORD.text(), "data-source");
    } else if (nonEmpty(env.get("PGPASSWORD"))) {
      password = env.get("PGPASSWORD");
      b.sources.put(Key.PASSWORD.text(), "env PGPASSWORD");
    }
    b.values.put(Key.PASSWORD, password);

    if (explicitUrl != null) {
      b.values.put(Key.JDBC_URL, explicitUrl);
      if (b.dataSource != null && fromDataSource == null && v.has(Key.JDBC_URL.text())) {
        LOG.debug(
            "pgjcache.jdbc-url is used for the LISTEN connection only: the pool is pgjcache.data-source");
      }
      if (LOG.isDebugEnabled()
          && (nonEmpty(env.get("PGHOST"))
              || nonEmpty(env.get("PGPORT"))
              || nonEmpty(env.get("PGDATABASE")))) {
        LOG.debug(
            "PGHOST/PGPORT/PGDATABASE ignored: jdbc-url comes from {}",
            b.sources.get(Key.JDBC_URL.text()));
      }
      return;
    }
    List<String> used = new ArrayList<>();
    String host = "localhost";
    String port = Integer.toString(JdbcUrls.DEFAULT_PORT);
    String database = user;
    if (backend == BackendKind.POSTGRES) {
      if (nonEmpty(env.get("PGHOST"))) {
        host = env.get("PGHOST");
        used.add("PGHOST");
      }
      if (nonEmpty(env.get("PGPORT"))) {
        port = env.get("PGPORT");
        used.add("PGPORT");
      }
      if (nonEmpty(env.get("PGDATABASE"))) {
        database = env.get("PGDATABASE");
        used.add("PGDATABASE");
      }
    }
    String source = used.isEmpty() ? Settings.DEFAULT_SOURCE : "env " + String.join(", ", used);
    try {
      b.values.put(
          Key.JDBC_URL,
          used.isEmpty()
              ? "jdbc:postgresql://localhost:"
                  + JdbcUrls.DEFAULT_PORT
                  + "/"
                  + URLEncoder.encode(database, StandardCharsets.UTF_8)
              : JdbcUrls.fromLibpq(host, port, database));
    } catch (IllegalArgumentException e) {
      throw new CacheException(
          "Cannot build pgjcache.jdbc-url from " + source + ": " + e.getMessage(), e);
    }
    b.sources.put(Key.JDBC_URL.text(), source);
  }

  // ---------------------------------------------------------------- per-cache settings

  private static void resolveCaches(Map<String, Raw> merged, Values v, Settings.Builder b) {
    for (String key : merged.keySet()) {
      Optional<Keys.CacheKey> ck = Keys.cacheKey(key);
      if (ck.isEmpty()) {
        continue;
      }
      Key setting =
          Key.PER_CACHE.stream()
              .filter(k -> k.text().equals(ck.get().setting()))
              .findFirst()
              .orElseThrow();
      b.cache(ck.get().cache()).put(setting, v.get(key, null, setting::parse));
    }
  }

  // ---------------------------------------------------------------- layers

  private static void addAll(Map<String, Raw> merged, Map<String, Raw> layer) {
    layer.forEach(merged::putIfAbsent);
  }

  private static Map<String, Raw> fromProperties(
      Properties props, String source, boolean allowNonStrings) {
    Map<String, Raw> out = new TreeMap<>();
    if (props == null) {
      return out;
    }
    for (String name : props.stringPropertyNames()) {
      if (name.startsWith(Keys.PREFIX) && !Keys.isToolingName(name)) {
        put(out, name, props.getProperty(name), source);
      }
    }
    if (allowNonStrings) {
      // Properties is a Hashtable: callers put Integers, Durations, Lists in it too.
      for (Map.Entry<Object, Object> e : props.entrySet()) {
        if (e.getKey() instanceof String name
            && name.startsWith(Keys.PREFIX)
            && !(e.getValue() instanceof String)
            && !name.equals(Keys.PREFIX + Keys.DATA_SOURCE)) {
          put(out, name, text(e.getValue()), source);
        }
      }
    }
    return out;
  }

  private static void put(Map<String, Raw> out, String fullName, String value, String source) {
    String key = fullName.substring(Keys.PREFIX.length());
    Keys.requireKnown(key, source);
    if (key.equals(Keys.DATA_SOURCE)) {
      if (source.equals(SOURCE_PROPERTIES)) {
        return; // an object: see dataSource(Properties)
      }
      throw dataSourceAsText(source);
    }
    out.put(key, new Raw(value, source));
  }

  private static CacheException dataSourceAsText(String source) {
    return new CacheException(
        "Invalid setting "
            + Keys.PREFIX
            + Keys.DATA_SOURCE
            + " (from "
            + source
            + "): it takes a javax.sql.DataSource object, which only the Properties given to"
            + " getCacheManager can carry (properties.put(\""
            + Keys.PREFIX
            + Keys.DATA_SOURCE
            + "\", dataSource)); to connect by URL, set "
            + Keys.PREFIX
            + Key.JDBC_URL.text());
  }

  /**
   * The {@code data-source} object of the Properties given to {@code getCacheManager}, or null.
   *
   * @throws CacheException if the value is not a {@link DataSource}
   */
  private static DataSource dataSource(Properties props) {
    Object value = props == null ? null : props.get(Keys.PREFIX + Keys.DATA_SOURCE);
    if (value == null || value instanceof DataSource) {
      return (DataSource) value;
    }
    throw new CacheException(
        "Invalid setting "
            + Keys.PREFIX
            + Keys.DATA_SOURCE
            + " (from "
            + SOURCE_PROPERTIES
            + "): must be a javax.sql.DataSource object, not "
            + (value instanceof String
                ? "text; put the DataSource object itself there, or set "
                    + Keys.PREFIX
                    + Key.JDBC_URL.text()
                    + " to connect by URL"
                : "a " + value.getClass().getName()));
  }

  private static String text(Object value) {
    if (value instanceof Collection<?> c) {
      List<String> items = new ArrayList<>();
      c.forEach(o -> items.add(text(o)));
      return String.join(",", items);
    }
    if (value instanceof Object[] array) {
      return text(List.of(array));
    }
    if (value instanceof Class<?> type) {
      return type.getName();
    }
    if (value instanceof Duration d) {
      // ISO-8601 text; Durations.parse rejects negative and sub-millisecond values with a reason
      return d.toString();
    }
    if (value instanceof javax.cache.expiry.Duration d) {
      return CacheSettings.formatExpiry(d);
    }
    return String.valueOf(value);
  }

  private static Map<String, Raw> fromFile(SettingsFile file) {
    Map<String, Raw> out = new LinkedHashMap<>();
    file.values()
        .forEach(
            (key, value) -> {
              Keys.requireKnown(key, file.source());
              if (key.equals(Keys.DATA_SOURCE)) {
                throw dataSourceAsText(file.source());
              }
              out.put(key, new Raw(value, file.source()));
            });
    return out;
  }

  private static Map<String, Raw> fromEnv(Map<String, String> env) {
    Map<String, Raw> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(Keys.ENV_PREFIX)
          || !nonEmpty(e.getValue())
          || Keys.isToolingName(name)) {
        continue;
      }
      Optional<String> key = Keys.fromEnvName(name);
      if (key.isEmpty()) {
        // the environment is shared by every program of the process tree: warn, don't refuse
        LOG.warn("ignoring environment variable {}: {}", name, Keys.unknownEnv(name).getMessage());
        continue;
      }
      out.put(key.get(), new Raw(e.getValue(), "env " + name));
    }
    return out;
  }

  /** Typed access to the merged layers that records each value's source and wraps parse errors. */
  private static final class Values {
    private final Map<String, Raw> merged;
    private final Map<String, String> sources;

    Values(Map<String, Raw> merged, Map<String, String> sources) {
      this.merged = merged;
      this.sources = sources;
    }

    boolean has(String key) {
      return merged.containsKey(key);
    }

    /** The value of a key without a default, or null when no layer sets it. */
    @SuppressWarnings("unchecked")
    <T> T optional(Key key) {
      return has(key.text()) ? (T) get(key.text(), null, key::parse) : null;
    }

    <T> T get(String key, String defaultText, Function<String, T> parser) {
      Raw raw = merged.get(key);
      if (raw == null) {
        sources.put(key, Settings.DEFAULT_SOURCE);
        return parser.apply(defaultText);
      }
      try {
        T value = parser.apply(raw.value());
        sources.put(key, raw.source());
        return value;
      } catch (IllegalArgumentException e) {
        throw new CacheException(
            "Invalid setting "
                + Keys.PREFIX
                + key
                + "="
                + shown(key, raw.value())
                + " (from "
                + raw.source()
                + "): "
                + e.getMessage(),
            e);
      }
    }

    private static String shown(String key, String value) {
      if (key.equals(Key.PASSWORD.text())) {
        return "****";
      }
      if (key.equals(Key.JDBC_URL.text()) || key.equals(Key.LISTEN_JDBC_URL.text())) {
        return JdbcUrls.redact(value);
      }
      return value;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static boolean nonEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : SettingsResolver.class.getClassLoader();
  }

  /** This machine's name, looked up once: the lookup can block on DNS. */
  private static String hostName(Map<String, String> env) {
    String cached = localHostName;
    if (cached == null) {
      try {
        cached = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        LOG.debug("Cannot determine the local host name; using HOSTNAME/COMPUTERNAME", e);
        cached = "";
      }
      localHostName = cached;
    }
    if (!cached.isEmpty()) {
      return cached;
    }
    for (String var : List.of("HOSTNAME", "COMPUTERNAME")) {
      if (nonEmpty(env.get(var))) {
        return env.get(var).toLowerCase(Locale.ROOT);
      }
    }
    return "localhost";
  }
}
