package org.pgjcache.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Everything a CacheManager needs to know before it touches the database, resolved once and then
 * immutable, so that the rest of the provider never re-reads the environment or re-validates a
 * value. Obtain instances from {@link SettingsResolver}.
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
  private final BackendKind backend;
  private final String jdbcUrl;
  private final String listenJdbcUrl;
  private final DataSource dataSource;
  private final String user;
  private final String password;
  private final String schema;
  private final String table;
  private final String channel;
  private final boolean ddl;
  private final int poolSize;
  private final Duration connectTimeout;
  private final Duration statementTimeout;
  private final Duration heartbeatInterval;
  private final Duration reconnectInterval;
  private final boolean syncOnMismatch;
  private final boolean notifications;
  private final boolean sharedBackend;
  private final Durability durability;
  private final List<String> serializationAllow;
  private final long serializationMaxBytes;
  private final long serializationMaxArrayLength;
  private final long serializationMaxReferences;
  private final long serializationMaxDepth;
  private final long serializationMaxTreeSize;
  private final Duration serializationMaxTime;
  private final String nodeName;
  private final Duration expiryInterval;
  private final boolean expiryPrompt;
  private final boolean statisticsDefault;
  private final boolean managementDefault;
  private final Long maxEntriesDefault;
  private final Map<String, CacheSettings> caches;
  private final Map<String, String> sources;

  private Settings(Builder b) {
    this.uri = Objects.requireNonNull(b.uri);
    this.file = b.file;
    this.backend = Objects.requireNonNull(b.backend);
    this.jdbcUrl = Objects.requireNonNull(b.jdbcUrl);
    this.listenJdbcUrl = b.listenJdbcUrl;
    this.dataSource = b.dataSource;
    this.user = Objects.requireNonNull(b.user);
    this.password = b.password;
    this.schema = Objects.requireNonNull(b.schema);
    this.table = Objects.requireNonNull(b.table);
    this.channel = Objects.requireNonNull(b.channel);
    this.ddl = b.ddl;
    this.poolSize = b.poolSize;
    this.connectTimeout = Objects.requireNonNull(b.connectTimeout);
    this.statementTimeout = Objects.requireNonNull(b.statementTimeout);
    this.heartbeatInterval = Objects.requireNonNull(b.heartbeatInterval);
    this.reconnectInterval = Objects.requireNonNull(b.reconnectInterval);
    this.syncOnMismatch = b.syncOnMismatch;
    this.notifications = b.notifications;
    this.sharedBackend = b.sharedBackend;
    this.durability = Objects.requireNonNull(b.durability);
    this.serializationAllow = List.copyOf(b.serializationAllow);
    this.serializationMaxBytes = b.serializationMaxBytes;
    this.serializationMaxArrayLength = b.serializationMaxArrayLength;
    this.serializationMaxReferences = b.serializationMaxReferences;
    this.serializationMaxDepth = b.serializationMaxDepth;
    this.serializationMaxTreeSize = b.serializationMaxTreeSize;
    this.serializationMaxTime = Objects.requireNonNull(b.serializationMaxTime);
    this.nodeName = Objects.requireNonNull(b.nodeName);
    this.expiryInterval = Objects.requireNonNull(b.expiryInterval);
    this.expiryPrompt = b.expiryPrompt;
    this.statisticsDefault = b.statisticsDefault;
    this.managementDefault = b.managementDefault;
    this.maxEntriesDefault = b.maxEntriesDefault;
    Map<String, CacheSettings> c = new TreeMap<>();
    b.caches.forEach((name, cb) -> c.put(name, cb.build()));
    this.caches = Collections.unmodifiableMap(c);
    this.sources = Map.copyOf(b.sources);
  }

  /** The CacheManager's URI: its identity, and possibly the file its settings came from. */
  public URI uri() {
    return uri;
  }

  /** The configuration file that was read, e.g. {@code classpath:pgjcache.yaml}, if any. */
  public Optional<String> file() {
    return Optional.ofNullable(file);
  }

  /** {@code backend}. */
  public BackendKind backend() {
    return backend;
  }

  /**
   * {@code jdbc-url}; may carry credentials in its parameters, so log {@link #describeTarget()}
   * instead.
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /**
   * {@link #jdbcUrl()} without its {@code user=} and {@code password=} parameters, for a driver
   * that is given {@link #user()} and {@link #password()} as properties (pgjdbc would let the URL's
   * win). Every other parameter is kept as written. May still carry other secrets ({@code
   * sslpassword}): do not log.
   */
  public String jdbcUrlWithoutCredentials() {
    return JdbcUrls.withoutCredentials(jdbcUrl);
  }

  /**
   * {@code listen-jdbc-url}: where the LISTEN connection goes, when not to {@link #jdbcUrl()} (the
   * pool goes through PgBouncer in transaction mode, which drops notifications: LISTEN must reach
   * PostgreSQL itself). The {@code jdbc-url} when not set. May carry credentials: do not log.
   */
  public String listenJdbcUrl() {
    return listenJdbcUrl != null ? listenJdbcUrl : jdbcUrl;
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
    String own =
        listenJdbcUrl == null ? null : JdbcUrls.parameters(listenJdbcUrl).get(JdbcUrls.USER_PARAM);
    return own != null && !own.isEmpty() ? own : user;
  }

  /**
   * The LISTEN connection's password: the {@code password=} of {@code listen-jdbc-url} if it has
   * one, else {@link #password()}. Never log it.
   */
  public Optional<String> listenPassword() {
    String own =
        listenJdbcUrl == null
            ? null
            : JdbcUrls.parameters(listenJdbcUrl).get(JdbcUrls.PASSWORD_PARAM_NAME);
    return own != null ? Optional.of(own) : password();
  }

  /** "host:port/database" of the LISTEN connection, for messages; never credentials. */
  public String describeListenTarget() {
    return JdbcUrls.describe(listenJdbcUrl(), listenUser());
  }

  /**
   * {@code data-source}: the application's own pool, given as an object in the Properties of {@code
   * getCacheManager}; pgjcache then opens no pool of its own and never closes this one. The LISTEN
   * connection still needs a URL: {@code listen-jdbc-url}, else {@link #jdbcUrl()}, which then
   * defaults to the data source's own URL.
   */
  public Optional<DataSource> dataSource() {
    return Optional.ofNullable(dataSource);
  }

  /**
   * {@code user}: the setting, else the {@code user=} parameter of the JDBC URL, else (with a
   * {@code data-source}) its user, else PGUSER, else the OS user, like libpq. Both the pool and the
   * LISTEN connection log in as this role.
   */
  public String user() {
    return user;
  }

  /**
   * {@code password}: the setting, else the {@code password=} parameter of the JDBC URL, else
   * PGPASSWORD. Never log it.
   */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** {@code schema}, validated by {@link Identifiers}. */
  public String schema() {
    return schema;
  }

  /** {@code table}, validated by {@link Identifiers}. */
  public String table() {
    return table;
  }

  /** {@code "schema"."table"}, ready to splice into SQL. */
  public String qualifiedTable() {
    return Identifiers.quote(schema) + "." + Identifiers.quote(table);
  }

  /** {@code channel}: the LISTEN/NOTIFY channel, validated by {@link Identifiers}. */
  public String channel() {
    return channel;
  }

  /** {@code ddl}: whether missing tables may be created. */
  public boolean ddl() {
    return ddl;
  }

  /** {@code pool-size}. */
  public int poolSize() {
    return poolSize;
  }

  /** {@code connect-timeout}. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * {@code statement-timeout}: how long the database may run one statement before it cancels it.
   */
  public Duration statementTimeout() {
    return statementTimeout;
  }

  /**
   * {@code connect-timeout} as the connection pool applies it: at least 250 ms, the least it
   * accepts.
   */
  public Duration poolConnectTimeout() {
    return connectTimeout.compareTo(MIN_POOL_CONNECT_TIMEOUT) < 0
        ? MIN_POOL_CONNECT_TIMEOUT
        : connectTimeout;
  }

  /**
   * The bound of every database call, counted from the call, and of closing a cache manager:
   * statement-timeout + connect-timeout (see {@link #poolConnectTimeout()}), whatever the database
   * does, even if it never answers.
   */
  public Duration callBound() {
    return statementTimeout.plus(poolConnectTimeout());
  }

  /** {@code heartbeat-interval}: how often checksums are compared. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** {@code reconnect-interval}: first backoff step, at most {@link #MAX_RECONNECT_INTERVAL}. */
  public Duration reconnectInterval() {
    return reconnectInterval;
  }

  /** {@code sync-on-mismatch}: whether replicas are repaired after a checksum mismatch. */
  public boolean syncOnMismatch() {
    return syncOnMismatch;
  }

  /** {@code notifications}: whether LISTEN/NOTIFY is used. */
  public boolean notifications() {
    return notifications;
  }

  /**
   * {@code shared-backend}: whether CacheManagers on the same data source share a pool and
   * listener.
   */
  public boolean sharedBackend() {
    return sharedBackend;
  }

  /** {@code durability}. */
  public Durability durability() {
    return durability;
  }

  /** {@code serialization.allow}: extra ObjectInputFilter patterns accepted when deserializing. */
  public List<String> serializationAllow() {
    return serializationAllow;
  }

  /** {@code serialization.max-bytes}: the longest Java-serialized key or value that is decoded. */
  public long serializationMaxBytes() {
    return serializationMaxBytes;
  }

  /** {@code serialization.max-array-length}: the longest array a serialized value may declare. */
  public long serializationMaxArrayLength() {
    return serializationMaxArrayLength;
  }

  /** {@code serialization.max-references}: objects and back-references in one serialized value. */
  public long serializationMaxReferences() {
    return serializationMaxReferences;
  }

  /** {@code serialization.max-depth}: how deep objects may nest in one serialized value. */
  public long serializationMaxDepth() {
    return serializationMaxDepth;
  }

  /**
   * {@code serialization.max-tree-size}: objects in one serialized value counting a shared object
   * once per path to it, which bounds what hashing the value's collections costs.
   */
  public long serializationMaxTreeSize() {
    return serializationMaxTreeSize;
  }

  /** {@code serialization.max-time}: how long one decode may take. */
  public Duration serializationMaxTime() {
    return serializationMaxTime;
  }

  /** {@code node-name}: how this JVM identifies itself to others. */
  public String nodeName() {
    return nodeName;
  }

  /**
   * {@code expiry-interval}: how often one node (whichever holds the database's advisory lock at
   * that moment) turns expired entries into removals and announces them, so every node raises its
   * EXPIRED events within about this long after the expiry instant.
   */
  public Duration expiryInterval() {
    return expiryInterval;
  }

  /**
   * {@code expiry-prompt}: whether the reaper also sweeps as soon as an expiry instant this node
   * knows of has passed (not only every {@code expiry-interval}).
   */
  public boolean expiryPrompt() {
    return expiryPrompt;
  }

  /**
   * {@code statistics}: turns statistics on for every cache this manager creates, unless a declared
   * cache says otherwise ({@code caches.<name>.statistics}); JCache's own default is off.
   */
  public boolean statisticsDefault() {
    return statisticsDefault;
  }

  /** {@code management}: the same for the configuration MXBean of every cache. */
  public boolean managementDefault() {
    return managementDefault;
  }

  /**
   * {@code max-entries}: bounds the replica of every cache this manager opens that does not set
   * {@code caches.<name>.max-entries} itself (caches created by Spring's {@code cache-names}, by
   * Hibernate or by {@code createCache}); unset, such caches hold every entry on every node.
   */
  public java.util.OptionalLong maxEntriesDefault() {
    return maxEntriesDefault == null
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(maxEntriesDefault);
  }

  /** The bound of the named cache's replica: its own {@code max-entries}, else the default. */
  public java.util.OptionalLong maxEntries(String cacheName) {
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
    if (backend == BackendKind.MEMORY) {
      return "memory";
    }
    return JdbcUrls.describe(jdbcUrl, user);
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
    return Keys.isGlobal(k) && !k.equals(Keys.PASSWORD) && !k.equals(Keys.MAX_ENTRIES_DEFAULT)
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
    for (Map.Entry<String, String> e : asText(true).entrySet()) {
      p.setProperty(Keys.PREFIX + e.getKey(), e.getValue());
    }
    if (dataSource != null) {
      p.put(Keys.PREFIX + Keys.DATA_SOURCE, dataSource);
    }
    return p;
  }

  /** Values by key (without prefix), as configuration text; the password only if asked for. */
  private Map<String, String> asText(boolean withPassword) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Keys.BACKEND, backend.configName());
    m.put(Keys.JDBC_URL, withPassword ? jdbcUrl : JdbcUrls.redact(jdbcUrl));
    if (listenJdbcUrl != null) {
      m.put(Keys.LISTEN_JDBC_URL, withPassword ? listenJdbcUrl : JdbcUrls.redact(listenJdbcUrl));
    }
    m.put(Keys.USER, user);
    if (password != null) {
      m.put(Keys.PASSWORD, withPassword ? password : "****");
    }
    m.put(Keys.SCHEMA, schema);
    m.put(Keys.TABLE, table);
    m.put(Keys.CHANNEL, channel);
    m.put(Keys.DDL, Boolean.toString(ddl));
    m.put(Keys.POOL_SIZE, Integer.toString(poolSize));
    m.put(Keys.CONNECT_TIMEOUT, Durations.format(connectTimeout));
    m.put(Keys.STATEMENT_TIMEOUT, Durations.format(statementTimeout));
    m.put(Keys.HEARTBEAT_INTERVAL, Durations.format(heartbeatInterval));
    m.put(Keys.RECONNECT_INTERVAL, Durations.format(reconnectInterval));
    m.put(Keys.SYNC_ON_MISMATCH, Boolean.toString(syncOnMismatch));
    m.put(Keys.NOTIFICATIONS, Boolean.toString(notifications));
    m.put(Keys.SHARED_BACKEND, Boolean.toString(sharedBackend));
    m.put(Keys.DURABILITY, durability.configName());
    m.put(Keys.SERIALIZATION_ALLOW, String.join(",", serializationAllow));
    m.put(Keys.SERIALIZATION_MAX_BYTES, Long.toString(serializationMaxBytes));
    m.put(Keys.SERIALIZATION_MAX_ARRAY_LENGTH, Long.toString(serializationMaxArrayLength));
    m.put(Keys.SERIALIZATION_MAX_REFERENCES, Long.toString(serializationMaxReferences));
    m.put(Keys.SERIALIZATION_MAX_DEPTH, Long.toString(serializationMaxDepth));
    m.put(Keys.SERIALIZATION_MAX_TREE_SIZE, Long.toString(serializationMaxTreeSize));
    m.put(Keys.SERIALIZATION_MAX_TIME, Durations.format(serializationMaxTime));
    m.put(Keys.NODE_NAME, nodeName);
    m.put(Keys.EXPIRY_INTERVAL, Durations.format(expiryInterval));
    m.put(Keys.EXPIRY_PROMPT, Boolean.toString(expiryPrompt));
    m.put(Keys.STATISTICS_DEFAULT, Boolean.toString(statisticsDefault));
    m.put(Keys.MANAGEMENT_DEFAULT, Boolean.toString(managementDefault));
    if (maxEntriesDefault != null) {
      m.put(Keys.MAX_ENTRIES_DEFAULT, Long.toString(maxEntriesDefault));
    }
    for (CacheSettings c : caches.values()) {
      String p = Keys.CACHES + c.name() + ".";
      c.expiryCreated()
          .ifPresent(d -> m.put(p + Keys.EXPIRY_CREATED, CacheSettings.formatExpiry(d)));
      c.expiryAccessed()
          .ifPresent(d -> m.put(p + Keys.EXPIRY_ACCESSED, CacheSettings.formatExpiry(d)));
      c.expiryModified()
          .ifPresent(d -> m.put(p + Keys.EXPIRY_MODIFIED, CacheSettings.formatExpiry(d)));
      c.maxEntries().ifPresent(n -> m.put(p + Keys.MAX_ENTRIES, Long.toString(n)));
      c.storeByValue().ifPresent(b -> m.put(p + Keys.STORE_BY_VALUE, b.toString()));
      c.statistics().ifPresent(b -> m.put(p + Keys.STATISTICS, b.toString()));
      c.management().ifPresent(b -> m.put(p + Keys.MANAGEMENT, b.toString()));
      c.keyType().ifPresent(t -> m.put(p + Keys.KEY_TYPE, t));
      c.valueType().ifPresent(t -> m.put(p + Keys.VALUE_TYPE, t));
      c.valueFormat().ifPresent(f -> m.put(p + Keys.VALUE_FORMAT, f));
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
      sb.append(", ").append(Keys.DATA_SOURCE).append('=').append(dataSource.getClass().getName());
    }
    asText(false).forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
    return sb.append('}').toString();
  }

  /** Collects values during resolution. */
  static final class Builder {
    URI uri;
    String file;
    BackendKind backend;
    String jdbcUrl;
    String listenJdbcUrl;
    DataSource dataSource;
    String user;
    String password;
    String schema;
    String table;
    String channel;
    boolean ddl;
    int poolSize;
    Duration connectTimeout;
    Duration statementTimeout;
    Duration heartbeatInterval;
    Duration reconnectInterval;
    boolean syncOnMismatch;
    boolean notifications;
    boolean sharedBackend;
    Durability durability;
    List<String> serializationAllow = List.of();
    long serializationMaxBytes;
    long serializationMaxArrayLength;
    long serializationMaxReferences;
    long serializationMaxDepth;
    long serializationMaxTreeSize;
    Duration serializationMaxTime;
    String nodeName;
    Duration expiryInterval;
    boolean expiryPrompt = true;
    boolean statisticsDefault;
    boolean managementDefault;
    Long maxEntriesDefault;
    final Map<String, CacheSettings.Builder> caches = new LinkedHashMap<>();
    final Map<String, String> sources = new LinkedHashMap<>();

    CacheSettings.Builder cache(String name) {
      return caches.computeIfAbsent(name, CacheSettings.Builder::new);
    }

    Settings build() {
      return new Settings(this);
    }
  }
}
