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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
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

  private static final int MIN_POOL = 1;
  private static final int MAX_POOL = 1000;

  /** PostgreSQL's largest bytea, 1 GiB. */
  private static final long MAX_BYTEA = 1L << 30;

  /** Deeper values overflow the decoding thread's stack before any limit is reached. */
  private static final long MAX_DEPTH = 10_000;

  private static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  private static final String JAVA_NAME = "[\\p{L}_$][\\p{L}\\p{N}_$]*";
  private static final Pattern CLASS_NAME = Pattern.compile(JAVA_NAME + "(\\." + JAVA_NAME + ")*");
  private static final Pattern CLASS_PATTERN =
      Pattern.compile(JAVA_NAME + "(\\." + JAVA_NAME + ")*(\\.\\*\\*?|\\*)?");

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

    b.backend =
        v.get(
            Keys.BACKEND,
            "postgres",
            s -> parseEnum(s, BackendKind.values(), BackendKind::configName));
    b.schema = v.get(Keys.SCHEMA, "public", Identifiers::validate);
    b.table = v.get(Keys.TABLE, "pgjcache_entries", Identifiers::validate);
    b.channel = v.get(Keys.CHANNEL, "pgjcache_changes", Identifiers::validate);
    b.ddl = v.get(Keys.DDL, "true", SettingsResolver::parseBoolean);
    b.poolSize = v.get(Keys.POOL_SIZE, "8", s -> parseInt(s, MIN_POOL, MAX_POOL));
    b.connectTimeout = v.get(Keys.CONNECT_TIMEOUT, "5s", s -> parseTimeout(s, MAX_TIMEOUT));
    b.statementTimeout = v.get(Keys.STATEMENT_TIMEOUT, "10s", s -> parseTimeout(s, MAX_TIMEOUT));
    b.heartbeatInterval = v.get(Keys.HEARTBEAT_INTERVAL, "30s", s -> parseTimeout(s, MAX_TIMEOUT));
    b.reconnectInterval =
        v.get(Keys.RECONNECT_INTERVAL, "1s", s -> parseTimeout(s, Settings.MAX_RECONNECT_INTERVAL));
    b.syncOnMismatch = v.get(Keys.SYNC_ON_MISMATCH, "true", SettingsResolver::parseBoolean);
    b.notifications = v.get(Keys.NOTIFICATIONS, "true", SettingsResolver::parseBoolean);
    b.sharedBackend = v.get(Keys.SHARED_BACKEND, "true", SettingsResolver::parseBoolean);
    b.durability =
        v.get(
            Keys.DURABILITY,
            "full",
            s -> parseEnum(s, Durability.values(), Durability::configName));
    b.serializationAllow = v.get(Keys.SERIALIZATION_ALLOW, "", SettingsResolver::parseAllowList);
    resolveSerializationLimits(v, b);
    b.expiryInterval = v.get(Keys.EXPIRY_INTERVAL, "500ms", s -> parseTimeout(s, MAX_TIMEOUT));
    b.expiryPrompt = v.get(Keys.EXPIRY_PROMPT, "true", SettingsResolver::parseBoolean);
    b.statisticsDefault = v.get(Keys.STATISTICS_DEFAULT, "false", SettingsResolver::parseBoolean);
    b.managementDefault = v.get(Keys.MANAGEMENT_DEFAULT, "false", SettingsResolver::parseBoolean);
    b.maxEntriesDefault =
        v.has(Keys.MAX_ENTRIES_DEFAULT)
            ? v.get(Keys.MAX_ENTRIES_DEFAULT, null, SettingsResolver::parsePositiveLong)
            : null;

    resolveConnection(v, b, environment, sys);

    Raw node = merged.get(Keys.NODE_NAME);
    if (node != null) {
      b.nodeName = v.get(Keys.NODE_NAME, null, SettingsResolver::parseNodeName);
    } else {
      b.nodeName = hostName(environment) + "-" + ProcessHandle.current().pid();
      b.sources.put(Keys.NODE_NAME, Settings.DEFAULT_SOURCE);
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
    String explicitUrl =
        v.has(Keys.JDBC_URL) ? v.get(Keys.JDBC_URL, null, SettingsResolver::parseJdbcUrl) : null;
    b.listenJdbcUrl =
        v.has(Keys.LISTEN_JDBC_URL)
            ? v.get(Keys.LISTEN_JDBC_URL, null, SettingsResolver::parseListenJdbcUrl)
            : null;
    DataSourceUrls.Found fromDataSource = null;
    if (b.dataSource != null && explicitUrl == null && b.backend == BackendKind.POSTGRES) {
      fromDataSource = DataSourceUrls.of(b.dataSource).orElse(null);
      if (fromDataSource != null) {
        explicitUrl = fromDataSource.url();
        b.sources.put(Keys.JDBC_URL, "data-source");
      } else if (b.listenJdbcUrl != null) {
        explicitUrl = b.listenJdbcUrl;
        b.sources.put(Keys.JDBC_URL, "listen-jdbc-url");
      } else if (b.notifications) {
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

    if (v.has(Keys.USER)) {
      b.user = v.get(Keys.USER, null, SettingsResolver::parseNonBlank);
      if (nonEmpty(urlUser) && !urlUser.equals(b.user)) {
        LOG.warn(
            "pgjcache.user ({}) overrides the user= of pgjcache.jdbc-url: connecting as {}, not {}",
            b.sources.get(Keys.USER),
            b.user,
            urlUser);
      }
    } else if (nonEmpty(urlUser)) {
      b.user = urlUser;
      b.sources.put(Keys.USER, "user= of " + urlSource);
    } else if (fromDataSource != null && nonEmpty(fromDataSource.user())) {
      b.user = fromDataSource.user();
      b.sources.put(Keys.USER, "data-source");
    } else if (nonEmpty(env.get("PGUSER"))) {
      b.user = env.get("PGUSER");
      b.sources.put(Keys.USER, "env PGUSER");
    } else {
      String os = sys.getProperty("user.name");
      if (os == null || os.isBlank()) {
        os = System.getProperty("user.name", "postgres");
      }
      b.user = os;
      b.sources.put(Keys.USER, Settings.DEFAULT_SOURCE);
    }

    if (v.has(Keys.PASSWORD)) {
      b.password = v.get(Keys.PASSWORD, null, Function.identity());
      if (urlPassword != null && !urlPassword.equals(b.password)) {
        LOG.warn(
            "pgjcache.password ({}) overrides the password= of pgjcache.jdbc-url",
            b.sources.get(Keys.PASSWORD));
      }
    } else if (urlPassword != null) {
      b.password = urlPassword;
      b.sources.put(Keys.PASSWORD, "password= of " + urlSource);
    } else if (fromDataSource != null && fromDataSource.password() != null) {
      b.password = fromDataSource.password();
      b.sources.put(Keys.PASSWORD, "data-source");
    } else if (nonEmpty(env.get("PGPASSWORD"))) {
      b.password = env.get("PGPASSWORD");
      b.sources.put(Keys.PASSWORD, "env PGPASSWORD");
    }

    if (explicitUrl != null) {
      b.jdbcUrl = explicitUrl;
      if (b.dataSource != null && fromDataSource == null && v.has(Keys.JDBC_URL)) {
        LOG.debug(
            "pgjcache.jdbc-url is used for the LISTEN connection only: the pool is pgjcache.data-source");
      }
      if (LOG.isDebugEnabled()
          && (nonEmpty(env.get("PGHOST"))
              || nonEmpty(env.get("PGPORT"))
              || nonEmpty(env.get("PGDATABASE")))) {
        LOG.debug(
            "PGHOST/PGPORT/PGDATABASE ignored: jdbc-url comes from {}",
            b.sources.get(Keys.JDBC_URL));
      }
      return;
    }
    List<String> used = new ArrayList<>();
    String host = "localhost";
    String port = Integer.toString(JdbcUrls.DEFAULT_PORT);
    String database = b.user;
    if (b.backend == BackendKind.POSTGRES) {
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
      b.jdbcUrl =
          used.isEmpty()
              ? "jdbc:postgresql://localhost:"
                  + JdbcUrls.DEFAULT_PORT
                  + "/"
                  + URLEncoder.encode(database, StandardCharsets.UTF_8)
              : JdbcUrls.fromLibpq(host, port, database);
    } catch (IllegalArgumentException e) {
      throw new CacheException(
          "Cannot build pgjcache.jdbc-url from " + source + ": " + e.getMessage(), e);
    }
    b.sources.put(Keys.JDBC_URL, source);
  }

  // ---------------------------------------------------------------- per-cache settings

  private static void resolveCaches(Map<String, Raw> merged, Values v, Settings.Builder b) {
    for (String key : merged.keySet()) {
      Optional<Keys.CacheKey> ck = Keys.cacheKey(key);
      if (ck.isEmpty()) {
        continue;
      }
      CacheSettings.Builder c = b.cache(ck.get().cache());
      switch (ck.get().setting()) {
        case Keys.EXPIRY_CREATED ->
            c.expiryCreated = v.get(key, null, SettingsResolver::parseExpiry);
        case Keys.EXPIRY_ACCESSED ->
            c.expiryAccessed = v.get(key, null, SettingsResolver::parseExpiry);
        case Keys.EXPIRY_MODIFIED ->
            c.expiryModified = v.get(key, null, SettingsResolver::parseExpiry);
        case Keys.MAX_ENTRIES ->
            c.maxEntries = v.get(key, null, SettingsResolver::parsePositiveLong);
        case Keys.STORE_BY_VALUE ->
            c.storeByValue = v.get(key, null, SettingsResolver::parseBoolean);
        case Keys.STATISTICS -> c.statistics = v.get(key, null, SettingsResolver::parseBoolean);
        case Keys.MANAGEMENT -> c.management = v.get(key, null, SettingsResolver::parseBoolean);
        case Keys.KEY_TYPE -> c.keyType = v.get(key, null, SettingsResolver::parseClassName);
        case Keys.VALUE_TYPE -> c.valueType = v.get(key, null, SettingsResolver::parseClassName);
        case Keys.VALUE_FORMAT ->
            c.valueFormat = v.get(key, null, SettingsResolver::parseValueFormat);
        default -> throw new IllegalStateException("per-cache key " + key + " not handled");
      }
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
            + Keys.JDBC_URL);
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
                    + Keys.JDBC_URL
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
      if (key.equals(Keys.PASSWORD)) {
        return "****";
      }
      if (key.equals(Keys.JDBC_URL) || key.equals(Keys.LISTEN_JDBC_URL)) {
        return JdbcUrls.redact(value);
      }
      return value;
    }
  }

  // ---------------------------------------------------------------- value parsers
  // (IllegalArgumentException = "why")

  static boolean parseBoolean(String s) {
    String t = s.strip();
    if (t.equalsIgnoreCase("true")) {
      return true;
    }
    if (t.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("must be true or false");
  }

  private static int parseInt(String s, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("must be between " + min + " and " + max);
    }
    return n;
  }

  /**
   * The limits of one decoding (defaults: see {@code DecodeLimits.DEFAULTS} in the codec, which a
   * test keeps equal to these). Upper bounds keep each within what PostgreSQL and the JVM can hold
   * at all.
   */
  private static void resolveSerializationLimits(Values v, Settings.Builder b) {
    b.serializationMaxBytes =
        v.get(Keys.SERIALIZATION_MAX_BYTES, "16777216", s -> parseLong(s, 1, MAX_BYTEA));
    b.serializationMaxArrayLength =
        v.get(
            Keys.SERIALIZATION_MAX_ARRAY_LENGTH,
            "16777216",
            s -> parseLong(s, 1, Integer.MAX_VALUE - 8));
    b.serializationMaxReferences =
        v.get(
            Keys.SERIALIZATION_MAX_REFERENCES, "2000000", s -> parseLong(s, 1, Integer.MAX_VALUE));
    b.serializationMaxDepth =
        v.get(Keys.SERIALIZATION_MAX_DEPTH, "32", s -> parseLong(s, 1, MAX_DEPTH));
    b.serializationMaxTreeSize =
        v.get(
            Keys.SERIALIZATION_MAX_TREE_SIZE, "10000000", s -> parseLong(s, 1, Long.MAX_VALUE / 4));
    b.serializationMaxTime =
        v.get(Keys.SERIALIZATION_MAX_TIME, "2s", s -> parseTimeout(s, MAX_TIMEOUT));
  }

  private static String parseValueFormat(String s) {
    String format = s.strip().toLowerCase(java.util.Locale.ROOT);
    if (!format.equals("java") && !format.equals("json")) {
      throw new IllegalArgumentException("expected java or json, got '" + s + "'");
    }
    return format;
  }

  private static long parseLong(String s, long min, long max) {
    long n;
    try {
      n = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("must be between " + min + " and " + max);
    }
    return n;
  }

  private static long parsePositiveLong(String s) {
    long n;
    try {
      n = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer", e);
    }
    if (n <= 0) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return n;
  }

  private static <E extends Enum<E>> E parseEnum(String s, E[] values, Function<E, String> name) {
    String t = s.strip();
    List<String> names = new ArrayList<>();
    for (E e : values) {
      if (name.apply(e).equalsIgnoreCase(t)) {
        return e;
      }
      names.add(name.apply(e));
    }
    throw new IllegalArgumentException("must be one of " + String.join(", ", names));
  }

  private static Duration parseTimeout(String s, Duration max) {
    Duration d = Durations.parse(s);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    if (d.compareTo(max) > 0) {
      throw new IllegalArgumentException("must be at most " + Durations.format(max));
    }
    return d;
  }

  private static javax.cache.expiry.Duration parseExpiry(String s) {
    if (s.strip().equalsIgnoreCase("eternal")) {
      return javax.cache.expiry.Duration.ETERNAL;
    }
    Duration d;
    try {
      d = Durations.parse(s);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains(Durations.FORMATS)) {
        throw new IllegalArgumentException(e.getMessage() + ", or eternal", e);
      }
      throw e;
    }
    return new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, d.toMillis());
  }

  private static String parseJdbcUrl(String s) {
    String t = s.strip();
    if (!t.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "must be a JDBC URL starting with jdbc:, e.g. " + "jdbc:postgresql://host:5432/database");
    }
    return t;
  }

  /** The LISTEN connection is pgjcache's own PostgreSQL client: only PostgreSQL URLs will do. */
  private static String parseListenJdbcUrl(String s) {
    String t = s.strip();
    if (!t.startsWith(JdbcUrls.POSTGRES_PREFIX)) {
      throw new IllegalArgumentException(
          "must be a PostgreSQL JDBC URL starting with "
              + JdbcUrls.POSTGRES_PREFIX
              + ", e.g. jdbc:postgresql://db-primary:5432/app");
    }
    return t;
  }

  private static String parseNonBlank(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException("must not be blank");
    }
    return s.strip();
  }

  private static String parseNodeName(String s) {
    String t = parseNonBlank(s);
    if (t.length() > 200) {
      throw new IllegalArgumentException("longer than 200 characters");
    }
    if (t.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("contains control characters");
    }
    return t;
  }

  private static String parseClassName(String s) {
    String t = s.strip();
    if (!CLASS_NAME.matcher(t).matches()) {
      throw new IllegalArgumentException("not a fully qualified class name");
    }
    return t;
  }

  private static List<String> parseAllowList(String s) {
    Set<String> patterns = new LinkedHashSet<>();
    for (String item : s.split(",")) {
      String p = item.strip();
      if (p.isEmpty()) {
        continue;
      }
      if (p.equals("*") || p.equals("**") || p.equals(".*") || p.equals(".**")) {
        throw new IllegalArgumentException(
            "pattern "
                + p
                + " would allow every class to be deserialized;"
                + " list packages or classes instead, e.g. com.acme.**");
      }
      if (!CLASS_PATTERN.matcher(p).matches()) {
        throw new IllegalArgumentException(
            "pattern "
                + p
                + " is not a class name, package.* or package.**"
                + " (rejections, limits and module names do not belong in an allow-list)");
      }
      patterns.add(p);
    }
    return List.copyOf(patterns);
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
