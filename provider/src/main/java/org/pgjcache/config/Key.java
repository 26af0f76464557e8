package org.pgjcache.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The one table of settings: each key's name, scope, default, check and meaning. Resolution, typo
 * suggestions, the environment-variable names, {@link Settings#toProperties()} and the README's
 * settings table are all read off it (a test keeps the README equal to {@link #markdownTable()}),
 * so adding a setting is adding a row.
 *
 * <p>A row whose default is {@code null} has none: it is computed ({@code jdbc-url}, {@code user},
 * {@code node-name}) or the setting stays unset. Checks throw {@link IllegalArgumentException}
 * saying why; the resolver names the key, the value and where it came from.
 */
enum Key {
  BACKEND(
      "backend",
      "postgres",
      Parse.oneOf(BackendKind.values(), BackendKind::configName),
      "`memory` keeps everything in this JVM (no database), for your own unit tests"),
  JDBC_URL(
      "jdbc-url",
      null,
      Parse::jdbcUrl,
      "the database",
      "`jdbc:postgresql://localhost:5432/<user>`, from `PGHOST`/`PGPORT`/`PGDATABASE` when set"),
  LISTEN_JDBC_URL(
      "listen-jdbc-url",
      null,
      Parse::listenJdbcUrl,
      "where the LISTEN connection goes when not where the pool goes: PostgreSQL itself when the"
          + " pool goes through PgBouncer (see *PgBouncer*); it logs in as `user`/`password` unless"
          + " this URL has its own `user=`/`password=`",
      "`jdbc-url`"),
  DATA_SOURCE(
      "data-source",
      null,
      null,
      "a `javax.sql.DataSource` **object** put into the `Properties` of `getCacheManager` (no"
          + " file, system property or variable can carry it): pgjcache runs on that pool instead of"
          + " its own (see *Your own DataSource*)",
      "none"),
  USER(
      "user",
      null,
      Parse::nonBlank,
      "the role the pool and the LISTEN connection log in as",
      "the URL's `user=`, else `PGUSER`, else the OS user"),
  PASSWORD(
      "password",
      null,
      Function.identity(),
      "its password; never printed in logs or errors",
      "the URL's `password=`, else `PGPASSWORD`, else none"),
  SCHEMA("schema", "public", Identifiers::validate, "where entries live (an SQL identifier)"),
  TABLE("table", "pgjcache_entries", Identifiers::validate, "the table of entries, in `schema`"),
  CHANNEL("channel", "pgjcache_changes", Identifiers::validate, "the NOTIFY channel"),
  DDL(
      "ddl",
      "true",
      Parse::bool,
      "create the tables if missing; `false` for least-privilege deployments"),
  POOL_SIZE("pool-size", "8", Parse.intBetween(1, 1000), "connections in the backend's pool"),
  CONNECT_TIMEOUT(
      "connect-timeout",
      "5s",
      Parse.timeout(Parse.MAX_TIMEOUT),
      "opening a manager fails within this if the database is unreachable; the longest a call"
          + " waits for a pooled connection (at least 250 ms)"),
  STATEMENT_TIMEOUT(
      "statement-timeout",
      "10s",
      Parse.timeout(Parse.MAX_TIMEOUT),
      "the database cancels a statement that runs longer. **The bound:** every database call of"
          + " a cache operation returns, or fails with a `CacheException` naming its cache, within"
          + " statement-timeout + connect-timeout of its call (15 s by default), even if the"
          + " database never answers; time queued behind other puts and spent waiting for a pooled"
          + " connection included. `CacheManager.close()` returns within the same bound. See"
          + " *Semantics worth knowing*"),
  HEARTBEAT_INTERVAL(
      "heartbeat-interval",
      "30s",
      Parse.timeout(Parse.MAX_TIMEOUT),
      "checksum heartbeat that repairs replicas that missed a message"),
  RECONNECT_INTERVAL(
      "reconnect-interval",
      "1s",
      Parse.timeout(Settings.MAX_RECONNECT_INTERVAL),
      "first backoff of the LISTEN reconnect (doubles up to 30 s)"),
  SYNC_ON_MISMATCH(
      "sync-on-mismatch",
      "true",
      Parse::bool,
      "repair on checksum mismatch (otherwise only log it)"),
  NOTIFICATIONS(
      "notifications", "true", Parse::bool, "LISTEN/NOTIFY on/off (off for a single instance)"),
  SHARED_BACKEND(
      "shared-backend",
      "true",
      Parse::bool,
      "share one pool and LISTEN connection per database per JVM among managers whose backend"
          + " settings (everything but `node-name`, `statistics`, `management`, `serialization.*`"
          + " and `caches.*`) are equal; a manager with other values gets its own, and the log"
          + " names the keys that differ; `false` gives a manager its own (several \"nodes\" in"
          + " one JVM)"),
  DURABILITY(
      "durability",
      "full",
      Parse.oneOf(Durability.values(), Durability::configName),
      "`relaxed` sets `synchronous_commit = off` for each of pgjcache's transactions (never on the"
          + " session): a crash of the database server may lose the last few hundred milliseconds"
          + " of acknowledged writes (never corrupts)"),
  SERIALIZATION_ALLOW(
      "serialization.allow",
      "",
      Parse::allowList,
      "classes that may be deserialized from the table: `com.acme.Order`, `com.acme.*`,"
          + " `com.acme.**` (not by default: `java.net.URL`, whose `hashCode` makes a DNS query,"
          + " and the JCache API except `javax.cache.expiry.Duration`)",
      "JDK value types and collections"),
  SERIALIZATION_MAX_BYTES(
      "serialization.max-bytes",
      "16777216",
      Parse.longBetween(1, 1L << 30),
      "a longer Java-serialized key or value is refused unread",
      "`16777216` (16 MiB)"),
  SERIALIZATION_MAX_ARRAY_LENGTH(
      "serialization.max-array-length",
      "16777216",
      Parse.longBetween(1, Integer.MAX_VALUE - 8),
      "the longest array, or collection table (`HashMap`, `ArrayList`), a serialized value may"
          + " declare; all its arrays together may take at most 16 bytes per byte of the value"
          + " plus 1 MiB"),
  SERIALIZATION_MAX_REFERENCES(
      "serialization.max-references",
      "2000000",
      Parse.longBetween(1, Integer.MAX_VALUE),
      "objects, back-references and class descriptors in one serialized value"),
  SERIALIZATION_MAX_DEPTH(
      "serialization.max-depth",
      "32",
      Parse.longBetween(1, 10_000), // deeper overflows the decoding thread's stack first
      "how deep objects may nest in one serialized value"),
  SERIALIZATION_MAX_TREE_SIZE(
      "serialization.max-tree-size",
      "10000000",
      Parse.longBetween(1, Long.MAX_VALUE / 4),
      "objects in one serialized value, a shared object counted once per path to it: what"
          + " hashing its collections visits (stops \"hash bombs\" of sets that share their"
          + " elements)"),
  SERIALIZATION_MAX_TIME(
      "serialization.max-time",
      "2s",
      Parse.timeout(Parse.MAX_TIMEOUT),
      "how long one decode may take, checked at every object and reference it reads: the last"
          + " resort behind the limits above"),
  NODE_NAME(
      "node-name",
      null,
      Parse::nodeName,
      "how this node shows up in logs and the node table",
      "`hostname-pid`"),
  EXPIRY_INTERVAL(
      "expiry-interval",
      "500ms",
      Parse.timeout(Parse.MAX_TIMEOUT),
      "how often the expiry reaper runs at the latest (one node at a time)"),
  EXPIRY_PROMPT(
      "expiry-prompt",
      "true",
      Parse::bool,
      "the reaper also runs as soon as an expiry instant this node knows of (its writes, other"
          + " nodes' changes, touches) has passed: EXPIRED events follow an expiry within"
          + " milliseconds (median 9 ms, max 19 ms on every node in `ClusterExpiryTest`), and"
          + " nothing more runs when nothing expires"),
  STATISTICS_DEFAULT(
      "statistics",
      "false",
      Parse::bool,
      "turn statistics (and so Micrometer's cache metrics) on for every cache the manager"
          + " creates, JCache's default being off; a declared cache's `caches.<name>.statistics`"
          + " wins"),
  MANAGEMENT_DEFAULT(
      "management",
      "false",
      Parse::bool,
      "the same for the configuration MXBean; `caches.<name>.management` wins"),
  MAX_ENTRIES_DEFAULT(
      "max-entries",
      null,
      Parse::positiveLong,
      "bounds the replica of every cache the manager opens — including caches created by"
          + " Spring's `cache-names`, by Hibernate or by `createCache` — to this many entries per"
          + " node; see *Full or bounded replicas*",
      "not set (full replicas)"),

  // per cache: caches.<name>.<key>
  EXPIRY_CREATED(
      "expiry.created",
      Parse::expiry,
      "declares cache `<name>` with this time to live after creation (`30s`, `5m`, `PT1H`,"
          + " `eternal`)",
      "eternal"),
  EXPIRY_ACCESSED("expiry.accessed", Parse::expiry, "the same, after the last access", "eternal"),
  EXPIRY_MODIFIED("expiry.modified", Parse::expiry, "the same, after the last update", "eternal"),
  MAX_ENTRIES(
      "max-entries",
      Parse::positiveLong,
      "the bound of one cache's replica on each node; wins over `max-entries`",
      "`max-entries`"),
  STORE_BY_VALUE("store-by-value", Parse::bool, "JCache's store-by-value", "`true`"),
  STATISTICS("statistics", Parse::bool, "the cache's statistics", "`statistics`"),
  MANAGEMENT("management", Parse::bool, "the cache's configuration MXBean", "`management`"),
  KEY_TYPE("key-type", Parse::className, "the class of the cache's keys", "`java.lang.Object`"),
  VALUE_TYPE(
      "value-type", Parse::className, "the class of the cache's values", "`java.lang.Object`"),
  VALUE_FORMAT(
      "value-format",
      Parse::valueFormat,
      "`json` stores the cache's values as JSON written by Jackson (records, maps, lists,"
          + " `java.time`, nulls inside objects), readable from SQL and read back as `value-type`"
          + " with no Java deserialization at all",
      "`java`");

  /** Global keys: what is written after {@code pgjcache.}, in the order they are documented. */
  static final List<Key> GLOBAL =
      List.of(values()).stream().filter(k -> !k.perCache && k != DATA_SOURCE).toList();

  /** Per-cache keys: what is written after {@code pgjcache.caches.<name>.}. */
  static final List<Key> PER_CACHE = List.of(values()).stream().filter(k -> k.perCache).toList();

  private final String text;
  private final boolean perCache;
  private final String defaultText;
  private final Function<String, ?> check;
  private final String meaning;
  private final String shownDefault;

  /** A global key whose default is written as its text. */
  Key(String text, String defaultText, Function<String, ?> check, String meaning) {
    this(text, defaultText, check, meaning, "`" + defaultText + "`");
  }

  /** A global key whose default is described rather than written. */
  Key(
      String text,
      String defaultText,
      Function<String, ?> check,
      String meaning,
      String shownDefault) {
    this(false, text, defaultText, check, meaning, shownDefault);
  }

  /** A per-cache key: unset unless configured, then the programmatic configuration decides. */
  Key(String text, Function<String, ?> check, String meaning, String shownDefault) {
    this(true, text, null, check, meaning, shownDefault);
  }

  Key(
      boolean perCache,
      String text,
      String defaultText,
      Function<String, ?> check,
      String meaning,
      String shownDefault) {
    this.perCache = perCache;
    this.text = text;
    this.defaultText = defaultText;
    this.check = check;
    this.meaning = meaning;
    this.shownDefault = shownDefault;
  }

  /** The name, without {@code pgjcache.} (and {@code caches.<name>.}). */
  String text() {
    return text;
  }

  /** The default as configuration text, or null when there is none to parse. */
  String defaultText() {
    return defaultText;
  }

  /** Parses and checks a value; throws {@link IllegalArgumentException} saying why not. */
  Object parse(String value) {
    return check.apply(value);
  }

  /** Configuration text for a parsed value: what {@link #parse} reads back as equal. */
  String format(Object value) {
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    if (value instanceof javax.cache.expiry.Duration d) {
      return CacheSettings.formatExpiry(d);
    }
    if (value instanceof BackendKind kind) {
      return kind.configName();
    }
    if (value instanceof Durability durability) {
      return durability.configName();
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  /** {@code pool-size} becomes {@code PGJCACHE_POOL_SIZE}. */
  String envName() {
    return Keys.ENV_PREFIX + text.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The global key of that name. */
  static Key global(String text) {
    for (Key key : GLOBAL) {
      if (key.text.equals(text)) {
        return key;
      }
    }
    return null;
  }

  /** The README's table of settings, one row per key. */
  static String markdownTable() {
    StringBuilder sb = new StringBuilder("| key (`pgjcache.` prefix) | default | meaning |\n");
    sb.append("|---|---|---|\n");
    for (Key key : values()) {
      String name = key.perCache ? "caches.<name>." + key.text : key.text;
      sb.append("| `")
          .append(name)
          .append("` | ")
          .append(key.shownDefault)
          .append(" | ")
          .append(key.meaning)
          .append(" |\n");
    }
    return sb.toString();
  }
}
