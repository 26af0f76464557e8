package org.pgjcache.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Everything a CacheManager needs to know before it touches the database, resolved once and then
 * immutable, so that the rest of the provider never re-reads the environment or re-validates a
 * value. Obtain instances from {@link SettingsResolver}; what each setting means is in {@link
 * Key}'s table (and the README's, which is made from it).
 *
 * <p>The password is only reachable through {@link #password()} and {@link #toProperties()}: it is
 * kept out of {@link #toString()}, {@link #describeTarget()} and every message this package
 * produces, because settings end up in logs and exceptions end up in bug reports.
 *
 * <p>{@link #sourceOf(String)} exists because layered configuration is only pleasant when "why is
 * the pool size 4?" has a one-line answer.
 */
public final class Settings {

  /** The URI a CacheManager gets when none is given; it loads {@code pgjcache.yaml} if present. */
  public static final URI DEFAULT_URI = URI.create("pgjcache:default");

  /**
   * Ceiling for the LISTEN connection's reconnect backoff; {@code reconnect-interval} may not
   * exceed it.
   */
  public static final Duration MAX_RECONNECT_INTERVAL = Duration.ofSeconds(30);

  /** Source reported for values nobody set. */
  static final String DEFAULT_SOURCE = "default";

  /** Source reported for optional values nobody set and that have no default. */
  static final String UNSET_SOURCE = "not set";

  /** The least connect timeout HikariCP accepts. */
  private static final Duration MIN_POOL_CONNECT_TIMEOUT = Duration.ofMillis(250);

  private final URI uri;
  private final String file;
  private final DataSource dataSource;
  private final Map<Key, Object> values;
  private final Map<String, CacheSettings> caches;
  private final Map<String, String> sources;

  private Settings(Builder b) {
    this.uri = Objects.requireNonNull(b.uri);
    this.file = b.file;
    this.dataSource = b.dataSource;
    this.values = Collections.unmodifiableMap(new EnumMap<>(b.values));
    Map<String, CacheSettings> c = new TreeMap<>();
    b.caches.forEach((name, set) -> c.put(name, new CacheSettings(name, set)));
    this.caches = Collections.unmodifiableMap(c);
    this.sources = Map.copyOf(b.sources);
  }

  @SuppressWarnings("unchecked")
  private <T> T get(Key key) {
    return (T) values.get(key);
  }

  /** The CacheManager's URI: its identity, and possibly the file its settings came from. */
  public URI uri() {
    return uri;
  }

  /** The configuration file that was read, e.g. {@code classpath:pgjcache.yaml}, if any. */
  public Optional<String> file() {
    return Optional.ofNullable(file);
  }

  public BackendKind backend() {
    return get(Key.BACKEND);
  }

  /**
   * {@code jdbc-url}; may carry credentials in its parameters, so log {@link #describeTarget()}
   * instead.
   */
  public String jdbcUrl() {
    return get(Key.JDBC_URL);
  }

  /**
   * {@link #jdbcUrl()} without its {@code user=} and {@code password=} parameters, for a driver
   * that is given {@link #user()} and {@link #password()} as properties (pgjdbc would let the URL's
   * win). Every other parameter is kept as written. May still carry other secrets ({@code
   * sslpassword}): do not log.
   */
  public String jdbcUrlWithoutCredentials() {
    return JdbcUrls.withoutCredentials(jdbcUrl());
  }

  /** {@code listen-jdbc-url}, else {@code jdbc-url}. May carry credentials: do not log. */
  public String listenJdbcUrl() {
    String own = get(Key.LISTEN_JDBC_URL);
    return own != null ? own : jdbcUrl();
  }

  /**
   * {@link #listenJdbcUrl()} without its {@code user=} and {@code password=}; do not log either.
   */
  public String listenJdbcUrlWithoutCredentials() {
    return JdbcUrls.withoutCredentials(listenJdbcUrl());
  }

  /**
   * The role the LISTEN connection logs in as: the {@code user=} of {@code listen-jdbc-url} if it
   * has one, else {@link #user()}.
   */
  public String listenUser() {
    String own = listenParameter(JdbcUrls.USER_PARAM);
    return own != null && !own.isEmpty() ? own : user();
  }

  /**
   * The LISTEN connection's password: the {@code password=} of {@code listen-jdbc-url} if it has
   * one, else {@link #password()}. Never log it.
   */
  public Optional<String> listenPassword() {
    String own = listenParameter(JdbcUrls.PASSWORD_PARAM_NAME);
    return own != null ? Optional.of(own) : password();
  }

  private String listenParameter(String name) {
    String own = get(Key.LISTEN_JDBC_URL);
    return own == null ? null : JdbcUrls.parameters(own).get(name);
  }

  /** "host:port/database" of the LISTEN connection, for messages; never credentials. */
  public String describeListenTarget() {
    return JdbcUrls.describe(listenJdbcUrl(), listenUser());
  }

  /**
   * {@code data-source}: the application's own pool; pgjcache then opens no pool of its own and
   * never closes this one. The LISTEN connection still needs a URL: {@code listen-jdbc-url}, else
   * {@link #jdbcUrl()}, which then defaults to the data source's own URL.
   */
  public Optional<DataSource> dataSource() {
    return Optional.ofNullable(dataSource);
  }

  /** {@code user}, resolved like libpq's (see {@link SettingsResolver}). */
  public String user() {
    return get(Key.USER);
  }

  /** {@code password}, resolved like libpq's. Never log it. */
  public Optional<String> password() {
    return Optional.ofNullable(get(Key.PASSWORD));
  }

  public String schema() {
    return get(Key.SCHEMA);
  }

  public String table() {
    return get(Key.TABLE);
  }

  /** {@code "schema"."table"}, ready to splice into SQL. */
  public String qualifiedTable() {
    return Identifiers.quote(schema()) + "." + Identifiers.quote(table());
  }

  public String channel() {
    return get(Key.CHANNEL);
  }

  public boolean ddl() {
    return get(Key.DDL);
  }

  public int poolSize() {
    return get(Key.POOL_SIZE);
  }

  public Duration connectTimeout() {
    return get(Key.CONNECT_TIMEOUT);
  }

  public Duration statementTimeout() {
    return get(Key.STATEMENT_TIMEOUT);
  }

  /**
   * {@code connect-timeout} as the connection pool applies it: at least 250 ms, the least it
   * accepts.
   */
  public Duration poolConnectTimeout() {
    Duration connect = connectTimeout();
    return connect.compareTo(MIN_POOL_CONNECT_TIMEOUT) < 0 ? MIN_POOL_CONNECT_TIMEOUT : connect;
  }

  /**
   * The bound of every database call, counted from the call, and of closing a cache manager:
   * statement-timeout + connect-timeout (see {@link #poolConnectTimeout()}), whatever the database
   * does, even if it never answers.
   */
  public Duration callBound() {
    return statementTimeout().plus(poolConnectTimeout());
  }

  public Duration heartbeatInterval() {
    return get(Key.HEARTBEAT_INTERVAL);
  }

  public Duration reconnectInterval() {
    return get(Key.RECONNECT_INTERVAL);
  }

  public boolean syncOnMismatch() {
    return get(Key.SYNC_ON_MISMATCH);
  }

  public boolean notifications() {
    return get(Key.NOTIFICATIONS);
  }

  public boolean sharedBackend() {
    return get(Key.SHARED_BACKEND);
  }

  public Durability durability() {
    return get(Key.DURABILITY);
  }

  public List<String> serializationAllow() {
    return get(Key.SERIALIZATION_ALLOW);
  }

  public long serializationMaxBytes() {
    return get(Key.SERIALIZATION_MAX_BYTES);
  }

  public long serializationMaxArrayLength() {
    return get(Key.SERIALIZATION_MAX_ARRAY_LENGTH);
  }

  public long serializationMaxReferences() {
    return get(Key.SERIALIZATION_MAX_REFERENCES);
  }

  public long serializationMaxDepth() {
    return get(Key.SERIALIZATION_MAX_DEPTH);
  }

  public long serializationMaxTreeSize() {
    return get(Key.SERIALIZATION_MAX_TREE_SIZE);
  }

  public Duration serializationMaxTime() {
    return get(Key.SERIALIZATION_MAX_TIME);
  }

  public String nodeName() {
    return get(Key.NODE_NAME);
  }

  public Duration expiryInterval() {
    return get(Key.EXPIRY_INTERVAL);
  }

  public boolean expiryPrompt() {
    return get(Key.EXPIRY_PROMPT);
  }

  /** {@code statistics}: the default of every cache that does not set its own. */
  public boolean statisticsDefault() {
    return get(Key.STATISTICS_DEFAULT);
  }

  /** {@code management}: the default of every cache that does not set its own. */
  public boolean managementDefault() {
    return get(Key.MANAGEMENT_DEFAULT);
  }

  /** {@code max-entries}: the bound of every cache that does not set its own; unset, full. */
  public OptionalLong maxEntriesDefault() {
    Long n = get(Key.MAX_ENTRIES_DEFAULT);
    return n == null ? OptionalLong.empty() : OptionalLong.of(n);
  }

  /** The bound of the named cache's replica: its own {@code max-entries}, else the default. */
  public OptionalLong maxEntries(String cacheName) {
    CacheSettings declared = caches.get(cacheName);
    if (declared != null && declared.maxEntries().isPresent()) {
      return declared.maxEntries();
    }
    return maxEntriesDefault();
  }

  /** Configuration for the named cache; an empty {@link CacheSettings} if there is none. */
  public CacheSettings cache(String name) {
    CacheSettings c = caches.get(name);
    return c != null ? c : CacheSettings.empty(name);
  }

  /** All caches configuration mentions, by name. */
  public Map<String, CacheSettings> caches() {
    return caches;
  }

  /**
   * "host:port/database" of the JDBC URL, for messages such as "cannot connect to db1:5432/app".
   * Never includes credentials. For {@link BackendKind#MEMORY} it is {@code memory}.
   */
  public String describeTarget() {
    return backend() == BackendKind.MEMORY ? "memory" : JdbcUrls.describe(jdbcUrl(), user());
  }

  /**
   * Where a setting's value came from: {@code properties}, {@code system property}, the file (e.g.
   * {@code file:/etc/app/pgjcache.yaml}), {@code env PGJCACHE_POOL_SIZE}, {@code env PGHOST,
   * PGPORT}, {@code default}, or {@code not set}.
   *
   * @param key a setting name, with or without the {@code pgjcache.} prefix, including per-cache
   *     keys like {@code caches.orders.max-entries}
   * @throws IllegalArgumentException if {@code key} is not a setting name
   */
  public String sourceOf(String key) {
    String k = key.startsWith(Keys.PREFIX) ? key.substring(Keys.PREFIX.length()) : key;
    if (!Keys.isKnown(k)) {
      List<String> close = Keys.suggestions(k);
      throw new IllegalArgumentException(
          "Unknown setting "
              + key
              + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"));
    }
    String source = sources.get(k);
    if (source != null) {
      return source;
    }
    Key global = Key.global(k);
    return global != null && global != Key.PASSWORD && global != Key.MAX_ENTRIES_DEFAULT
        ? DEFAULT_SOURCE
        : UNSET_SOURCE;
  }

  /**
   * All resolved values as {@code pgjcache.*} properties, such that resolving them again gives
   * equal settings; for handing settings to another component.
   *
   * <p><strong>Includes the password</strong> when one is set; do not log the result.
   */
  public Properties toProperties() {
    Properties p = new Properties();
    asText(true).forEach((k, v) -> p.setProperty(Keys.PREFIX + k, v));
    if (dataSource != null) {
      p.put(Keys.PREFIX + Key.DATA_SOURCE.text(), dataSource);
    }
    return p;
  }

  /** Values by key (without prefix), as configuration text; the password only if asked for. */
  private Map<String, String> asText(boolean withPassword) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Key key : Key.GLOBAL) {
      Object value = values.get(key);
      if (value == null) {
        continue;
      }
      String text = key.format(value);
      if (!withPassword && key == Key.PASSWORD) {
        text = "****";
      } else if (!withPassword && (key == Key.JDBC_URL || key == Key.LISTEN_JDBC_URL)) {
        text = JdbcUrls.redact(text);
      }
      m.put(key.text(), text);
    }
    for (CacheSettings c : caches.values()) {
      c.asText().forEach((k, v) -> m.put(Keys.CACHES + c.name() + "." + k, v));
    }
    return m;
  }

  /** Every setting except the password's value (shown as {@code ****} when set). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Settings{uri=").append(uri);
    if (file != null) {
      sb.append(", file=").append(file);
    }
    sb.append(", target=").append(describeTarget());
    if (dataSource != null) {
      sb.append(", ").append(Key.DATA_SOURCE.text()).append('=');
      sb.append(dataSource.getClass().getName());
    }
    asText(false).forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
    return sb.append('}').toString();
  }

  /** Collects values during resolution. */
  static final class Builder {
    URI uri;
    String file;
    DataSource dataSource;
    final Map<Key, Object> values = new EnumMap<>(Key.class);
    final Map<String, Map<Key, Object>> caches = new LinkedHashMap<>();
    final Map<String, String> sources = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    <T> T get(Key key) {
      return (T) values.get(key);
    }

    Map<Key, Object> cache(String name) {
      return caches.computeIfAbsent(name, n -> new EnumMap<>(Key.class));
    }

    Settings build() {
      return new Settings(this);
    }
  }
}
