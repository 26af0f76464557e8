package org.pgjcache.backend.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.cache.CacheException;
import javax.sql.DataSource;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.BucketSums;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.Closing;
import org.pgjcache.backend.ExpiryHints;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Mutator;
import org.pgjcache.backend.NodeBeat;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.RevisionSums;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.backend.Subscription;
import org.pgjcache.backend.Write;
import org.pgjcache.backend.postgres.listen.ListenHosts;
import org.pgjcache.config.Durability;
import org.pgjcache.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product backend: entries in one PostgreSQL table, changes announced with NOTIFY in the same
 * statement that makes them, and a single LISTEN connection per backend feeding every cache of this
 * JVM.
 */
public final class PostgresBackend implements Backend {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresBackend.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  /**
   * {@code application_name} of the pool's connections (unless the URL names one), then the node.
   */
  static final String POOL_APPLICATION_NAME = "pgjcache";

  /** {@code application_name} of the LISTEN connection, then the node. */
  static final String LISTEN_APPLICATION_NAME = "pgjcache-listen";

  private final Settings settings;
  private final String target;

  /**
   * Where connections come from: the pool pgjcache opened, or the application's {@code
   * data-source}.
   */
  private final DataSource pool;

  /** The pool pgjcache opened and closes; null when it runs on the application's. */
  private final HikariDataSource ownPool;

  private final Watchdog watchdog;
  private final Jdbc jdbc;
  private final Sql sql;
  private final String channel;
  private final Subscribers subscribers = new Subscribers(UUID.randomUUID().toString());
  private final Notices notices;
  private final ChangeFeed feed;
  private final AtomicLong clockOffset = new AtomicLong();
  private final WriteCombiner combiner;
  private final NoticeSeal seal;

  /** Whether the LISTEN connection hears anything; null without one. */
  private final ListenProbe probe;

  private PostgresBackend(Settings settings) {
    this.settings = settings;
    this.target = settings.describeTarget();
    this.sql = new Sql(settings.schema(), settings.table());
    this.channel = settings.channel();
    // read before any connection is made: a URL the LISTEN connection cannot follow is refused at
    // once
    ListenHosts listenHosts = settings.notifications() ? listenHosts(settings) : null;
    String poolName = "pgjcache-" + POOLS.incrementAndGet();
    this.ownPool = settings.dataSource().isPresent() ? null : openPool(settings, target, poolName);
    this.pool = settings.dataSource().isPresent() ? settings.dataSource().get() : ownPool;
    long statementMillis = settings.statementTimeout().toMillis();
    long connectMillis = connectMillis(settings);
    this.watchdog =
        new Watchdog(
            poolName + "-watchdog",
            Math.max(10, Math.min(1_000, (statementMillis + connectMillis) / 4)));
    this.jdbc =
        new Jdbc(
            target,
            timeoutMillis -> borrow(pool, timeoutMillis),
            watchdog,
            statementMillis,
            connectMillis,
            settings.durability() == Durability.RELAXED,
            subscribers::gap);
    try {
      this.seal =
          new NoticeSeal(
              new Schema(jdbc, sql, settings.table(), target)
                  .prepare(settings.ddl(), () -> syncQueries().createSchema()));
      this.combiner =
          new WriteCombiner(jdbc, sql, channel, seal, statementMillis, connectMillis, new Unseen());
      measureClock();
      this.probe =
          settings.notifications()
              ? new ListenProbe(
                  subscribers.nodeId(),
                  settings.callBound().toMillis(),
                  this::notifySelf,
                  this::feedOpen,
                  settings.describeListenTarget())
              : null;
      this.notices = new Notices(this, subscribers, seal, probe);
      if (settings.notifications()) {
        this.feed =
            new ChangeFeed(
                listenHosts,
                channel,
                settings.connectTimeout(),
                settings.reconnectInterval(),
                notices::accept,
                this::reconnected);
        feed.start();
        probe.send();
      } else {
        this.feed = null;
      }
    } catch (RuntimeException e) {
      watchdog.close("the backend failed to open");
      if (ownPool != null) {
        ownPool.close();
      }
      throw e;
    }
  }

  /** The LISTEN connection is back: its caches reconcile, and it is probed afresh. */
  private void reconnected() {
    subscribers.gapAll();
    try {
      probe.restart();
    } catch (RuntimeException e) {
      LOG.debug(
          "the LISTEN probe could not be sent after the reconnect; the next heartbeat sends"
              + " one: {}",
          e.getMessage());
    }
  }

  private boolean feedOpen() {
    ChangeFeed current = feed;
    return current != null && current.status().listening();
  }

  /** Sends this node a sealed notification through the pool (see {@link ListenProbe}). */
  private void notifySelf(String payload) {
    jdbc.run(
        "probing the LISTEN connection",
        null,
        c -> {
          try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, seal.seal(payload, now()));
            ps.executeQuery().close();
          }
          return null;
        });
  }

  /** The connect timeout as the pool uses it: at least 250 ms, the least HikariCP accepts. */
  private static long connectMillis(Settings settings) {
    return settings.poolConnectTimeout().toMillis();
  }

  /**
   * Connects, creates the schema if allowed, and starts listening; fails within the connect
   * timeout.
   */
  public static PostgresBackend open(Settings settings) {
    return new PostgresBackend(settings);
  }

  /**
   * Where and as whom the LISTEN connection logs in: {@code listen-jdbc-url} (PostgreSQL itself
   * when the pool goes through PgBouncer), else the pool's URL, with the pool's user and password
   * unless that URL names its own (see {@link #openPool}), named {@code pgjcache-listen
   * <node-name>} in {@code pg_stat_activity} whatever the URL's {@code ApplicationName}, so that it
   * can be told from the application's own. Every host of a multi-host URL, to follow the primary
   * as the pool does.
   */
  static ListenHosts listenHosts(Settings settings) {
    try {
      return ListenHosts.fromJdbcUrl(
              settings.listenJdbcUrlWithoutCredentials(),
              settings.listenUser(),
              settings.listenPassword().orElse(null))
          .withApplicationName(LISTEN_APPLICATION_NAME + " " + settings.nodeName());
    } catch (IllegalArgumentException e) {
      throw new CacheException(
          "the LISTEN connection cannot use "
              + settings.describeListenTarget()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The pool logs in with the resolved user and password (the setting, else the URL's {@code
   * user=}/{@code password=}, else libpq's variables), given as properties of a URL stripped of its
   * own: pgjdbc would let a URL parameter win over the property. Every other URL parameter reaches
   * pgjdbc as written, and one of them, {@code ApplicationName}, wins over the default {@code
   * pgjcache <node-name>}.
   *
   * <p>Timeouts: a call's wait for a connection is bounded by connect-timeout (the pool's own
   * wait), the pool checks an idle connection within {@link Jdbc#CHECK_MILLIS}, and each statement
   * is cancelled after statement-timeout (set for its own transaction, see {@link LocalSettings}:
   * the connections carry no session settings, so that they can go through a pooler in transaction
   * mode). The {@link Watchdog} ends a call whose database does not answer at all; pgjdbc's {@code
   * socketTimeout}, statement-timeout + connect-timeout rounded up to whole seconds (its unit),
   * only bounds what runs outside a call (logging in, the pool's own statements).
   */
  private static HikariDataSource openPool(Settings settings, String target, String name) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(settings.jdbcUrlWithoutCredentials());
    // named, not looked up in DriverManager, which cannot see a driver in another module layer
    config.setDriverClassName(org.postgresql.Driver.class.getName());
    config.setUsername(settings.user());
    settings.password().ifPresent(config::setPassword);
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(Math.min(2, settings.poolSize()));
    long connectMillis = connectMillis(settings);
    config.setConnectionTimeout(connectMillis);
    config.setInitializationFailTimeout(connectMillis);
    config.setValidationTimeout(Jdbc.CHECK_MILLIS);
    long statementMillis = settings.statementTimeout().toMillis();
    int connectSeconds = (int) Math.max(1, (connectMillis + 999) / 1000);
    config.addDataSourceProperty("connectTimeout", connectSeconds);
    config.addDataSourceProperty("loginTimeout", connectSeconds);
    config.addDataSourceProperty(
        "socketTimeout",
        (int) Math.min(Integer.MAX_VALUE, (statementMillis + connectMillis + 999) / 1000));
    config.addDataSourceProperty("tcpKeepAlive", true);
    config.addDataSourceProperty(
        "ApplicationName", POOL_APPLICATION_NAME + " " + settings.nodeName());
    config.setThreadFactory(
        runnable -> {
          Thread thread = new Thread(runnable, config.getPoolName() + "-housekeeper");
          thread.setDaemon(true);
          return thread;
        });
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new CacheException(
          "cannot connect to PostgreSQL at "
              + target
              + " within "
              + connectMillis
              + " ms: "
              + root.getMessage(),
          e);
    }
  }

  /**
   * A pooled connection within {@code timeoutMillis}, however long the pool's own timeout is; from
   * an application's data source other than HikariCP, within that pool's own timeout.
   */
  private static Connection borrow(DataSource pool, long timeoutMillis) throws SQLException {
    if (pool instanceof HikariDataSource hikariDataSource
        && hikariDataSource.getHikariPoolMXBean() instanceof HikariPool hikari) {
      return hikari.getConnection(timeoutMillis);
    }
    return pool.getConnection();
  }

  /**
   * Applies a put that committed after its caller had stopped waiting to the caller's own cache
   * instance, which skips the notification it sent itself; reconciles a cache whose puts may or may
   * not have committed.
   */
  private final class Unseen implements PutOutcomes {

    @Override
    public void committedUnseen(String cache, String origin, Write write, long rev) {
      subscribers.deliverTo(
          cache, new Change(Op.PUT, write.key(), rev, write.value(), write.expireAt()), origin);
    }

    @Override
    public void unknown(String cache) {
      subscribers.gap(cache);
    }
  }

  /**
   * The statements that create pgjcache's tables for these settings, for deployments where the
   * application's database user may not run DDL.
   */
  public static List<String> ddl(Settings settings) {
    return List.of(new Sql(settings.schema(), settings.table()).ddl(settings.table()));
  }

  /**
   * Measures the offset between this JVM's clock and the database's, at the middle of a round trip.
   */
  void measureClock() {
    long offset =
        jdbc.run(
            "reading the database clock",
            null,
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql.clock())) {
                long before = System.currentTimeMillis();
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  long after = System.currentTimeMillis();
                  return rs.getLong(1) - (before + after) / 2;
                }
              }
            });
    clockOffset.set(offset);
  }

  Settings settings() {
    return settings;
  }

  Sql sql() {
    return sql;
  }

  Jdbc jdbc() {
    return jdbc;
  }

  /** The server process id of the LISTEN connection, -1 if none (for tests that kill it). */
  public int listenerPid() {
    return feed == null ? -1 : feed.backendPid();
  }

  /** How many times the LISTEN connection has been re-established. */
  public long reconnects() {
    return feed == null ? 0 : feed.reconnects();
  }

  /** How many notifications could not be parsed and were skipped. */
  @Override
  public long corruptNotifications() {
    return notices.corrupt();
  }

  @Override
  public long forgedNotifications() {
    return notices.forged();
  }

  /** Notifications dropped before their seal was checked: they named a cache not opened here. */
  long otherCachesNotifications() {
    return notices.otherCaches();
  }

  @Override
  public String describe() {
    return "postgres " + target;
  }

  @Override
  public long now() {
    return System.currentTimeMillis() + clockOffset.get();
  }

  @Override
  public void ensureCache(String cache) {
    jdbc.run(
        "registering",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.ensureCache())) {
            ps.setString(1, cache);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Subscription subscribe(String cache, ChangeListener listener) {
    return fencedSubscribe(cache, listener);
  }

  @Override
  public Row get(String cache, String key) {
    return jdbc.run(
        "reading a key",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.get)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Row(key, rs.getBytes(1), rs.getLong(2), rs.getLong(3)) : null;
            }
          }
        });
  }

  @Override
  public Map<String, Row> getAll(String cache, Collection<String> keys) {
    return jdbc.run(
        "reading keys",
        cache,
        c -> {
          Map<String, Row> rows = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement(sql.getAll)) {
            ps.setString(1, cache);
            ps.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.put(rs.getString(1), readRow(rs));
              }
            }
          }
          return rows;
        });
  }

  private static Row readRow(ResultSet rs) throws SQLException {
    return new Row(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4));
  }

  @Override
  public void scan(String cache, Consumer<Row> sink) {
    jdbc.cursor(
        "reading all entries",
        cache,
        (c, call) -> {
          try (PreparedStatement ps = c.prepareStatement(sql.scan())) {
            ps.setFetchSize(2000);
            ps.setString(1, cache);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                call.progress();
                sink.accept(readRow(rs));
              }
            }
          }
          return null;
        });
  }

  @Override
  public void recentRemovals(String cache, long millis, Consumer<Row> sink) {
    jdbc.run(
        "reading recent removals",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.recentRemovals())) {
            ps.setString(1, cache);
            ps.setLong(2, millis);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                sink.accept(readRow(rs));
              }
            }
          }
          return null;
        });
  }

  /**
   * The changes a batch notification announced: the rows (tombstones too) whose revision lies in
   * {@code [min, max]}, each with the entry it replaced. A tombstone says itself what it was (an
   * expiry keeps its expiry instant, a removal has none), whatever the batch's kind: the range may
   * hold other writers' changes too.
   */
  List<Change> revisions(String cache, long min, long max) {
    return jdbc.run(
        "reading a batch of changes",
        cache,
        c -> {
          List<Change> changes = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.revRange)) {
            ps.setString(1, cache);
            ps.setLong(2, min);
            ps.setLong(3, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Row row = readRow(rs);
                Row prior = readPrior(row.key(), rs, 5);
                Op removal = row.expireAt() == Row.ETERNAL ? Op.REMOVE : Op.EXPIRE;
                changes.add(
                    row.value() == null
                        ? new Change(removal, row.key(), row.rev(), null, Row.ETERNAL, prior)
                        : new Change(
                            Op.PUT, row.key(), row.rev(), row.value(), row.expireAt(), prior));
              }
            }
          }
          return changes;
        });
  }

  private static Row readPrior(String key, ResultSet rs, int at) throws SQLException {
    return new Row(key, rs.getBytes(at), rs.getLong(at + 1), rs.getLong(at + 2));
  }

  @Override
  public Row prior(String cache, String key, long rev) {
    return jdbc.run(
        "reading what a change replaced",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.prior)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            ps.setLong(3, rev);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? readPrior(key, rs, 1) : null;
            }
          }
        });
  }

  @Override
  public long put(String cache, Write write, String origin) {
    return combiner.put(cache, write, origin);
  }

  private static long singleRev(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Runs a statement that ends with {@code commit} (e.g. {@link Sql#updateThenCommit}): the
   * revision comes from its first part, the commit has happened when this returns (a failure of the
   * first part skips the commit).
   */
  private static long revThenCommit(PreparedStatement ps) throws SQLException {
    ps.execute();
    try (ResultSet rs = ps.getResultSet()) {
      return rs != null && rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public long[] putAll(String cache, List<Write> writes, String origin) {
    String[] keys = new String[writes.size()];
    byte[][] values = new byte[writes.size()][];
    Long[] expiries = new Long[writes.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = writes.get(i).key();
      values[i] = writes.get(i).value();
      expiries[i] = writes.get(i).expireAt();
    }
    String[] payload = Payloads.batch('P', cache, origin);
    return jdbc.write(
        "storing values",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.putAll)) {
            ps.setArray(1, c.createArrayOf("text", keys));
            ps.setArray(2, c.createArrayOf("bytea", values));
            ps.setArray(3, c.createArrayOf("bigint", expiries));
            ps.setString(4, cache);
            Payloads.bind(ps, 5, channel, seal, payload);
            return revisionsByKey(ps, keys);
          }
        });
  }

  private static long[] revisionsByKey(PreparedStatement ps, String[] keys) throws SQLException {
    Map<String, Long> revs = new HashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        revs.put(rs.getString(1), rs.getLong(2));
      }
    }
    long[] result = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      result[i] = revs.getOrDefault(keys[i], 0L);
    }
    return result;
  }

  @Override
  public long remove(String cache, String key, String origin) {
    String[] payload = Payloads.single(seal, 'R', cache, key, Row.ETERNAL, origin, null);
    return jdbc.write(
        "removing a key",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.remove)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            ps.setLong(3, now());
            Payloads.bind(ps, 4, channel, seal, payload);
            return singleRev(ps);
          }
        });
  }

  @Override
  public long[] removeAll(String cache, List<String> keys, String origin) {
    String[] keyArray = keys.toArray(new String[0]);
    String[] payload = Payloads.batch('R', cache, origin);
    return jdbc.write(
        "removing keys",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.removeAll)) {
            ps.setString(1, cache);
            Array array = c.createArrayOf("text", keyArray);
            ps.setArray(2, array);
            ps.setLong(3, now());
            Payloads.bind(ps, 4, channel, seal, payload);
            return revisionsByKey(ps, keyArray);
          }
        });
  }

  @Override
  public void touch(String cache, String key, long rev, long expireAt, String origin) {
    String payload = seal.seal(Payloads.complete('T', rev, cache, key, expireAt, origin), now());
    jdbc.run(
        "storing an accessed expiry",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.touch)) {
            ps.setLong(1, expireAt);
            ps.setLong(2, expireAt);
            ps.setString(3, cache);
            ps.setString(4, key);
            ps.setLong(5, rev);
            ps.setString(6, channel);
            ps.setString(7, payload);
            ps.executeQuery().close();
          }
          return null;
        });
  }

  @Override
  public long clear(String cache, String origin) {
    String[] payload = Payloads.single(seal, 'C', cache, "", Row.ETERNAL, origin, null);
    return jdbc.write(
        "clearing",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.clear)) {
            ps.setString(1, cache);
            Payloads.bind(ps, 2, channel, seal, payload);
            return singleRev(ps);
          }
        });
  }

  @Override
  public MutationResult mutate(String cache, String key, String origin, Mutator mutator) {
    return jdbc.transaction(
        "an atomic operation",
        cache,
        (c, call) -> {
          Row current;
          try (PreparedStatement ps = c.prepareStatement(sql.lockRow)) {
            ps.setString(1, cache);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              byte[] value = rs.getBytes(1);
              current = value == null ? null : new Row(key, value, rs.getLong(2), rs.getLong(3));
            }
          }
          Mutation mutation = mutator.decide(current);
          long rev = apply(c, call, cache, key, origin, mutation, current);
          return new MutationResult(current, mutation, rev);
        });
  }

  /**
   * Writes what an atomic operation decided and commits in the same round trip, so the row lock is
   * held one round trip less; a decision to change nothing writes nothing (the caller commits).
   */
  private long apply(
      Connection c,
      Jdbc.Call call,
      String cache,
      String key,
      String origin,
      Mutation mutation,
      Row current)
      throws SQLException {
    if (mutation instanceof Mutation.Put put) {
      String[] payload =
          Payloads.single(seal, 'P', cache, key, put.expireAt(), origin, put.value());
      try (PreparedStatement ps = c.prepareStatement(sql.updateThenCommit)) {
        ps.setBytes(1, put.value());
        ps.setLong(2, put.expireAt());
        ps.setLong(3, put.expireAt());
        ps.setString(4, cache);
        ps.setString(5, key);
        Payloads.bind(ps, 6, channel, seal, payload);
        call.writing();
        return revThenCommit(ps);
      }
    }
    if (mutation instanceof Mutation.Remove remove && current != null) {
      String[] payload =
          Payloads.single(seal, remove.op().code(), cache, key, Row.ETERNAL, origin, null);
      try (PreparedStatement ps = c.prepareStatement(sql.tombstoneThenCommit)) {
        ps.setString(1, cache);
        ps.setString(2, key);
        Payloads.bind(ps, 3, channel, seal, payload);
        call.writing();
        return revThenCommit(ps);
      }
    }
    if (mutation instanceof Mutation.Touch touch && current != null) {
      String payload =
          seal.seal(
              Payloads.complete('T', current.rev(), cache, key, touch.expireAt(), origin), now());
      try (PreparedStatement ps = c.prepareStatement(sql.touchThenCommit)) {
        ps.setLong(1, touch.expireAt());
        ps.setLong(2, touch.expireAt());
        ps.setString(3, cache);
        ps.setString(4, key);
        ps.setLong(5, current.rev());
        ps.setString(6, channel);
        ps.setString(7, payload);
        call.writing();
        return revThenCommit(ps);
      }
    }
    return 0;
  }

  @Override
  public void destroy(String cache, String origin) {
    String[] payload = Payloads.single(seal, 'D', cache, "", Row.ETERNAL, origin, null);
    jdbc.transaction(
        "destroying",
        cache,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.clear)) {
            ps.setString(1, cache);
            Payloads.bind(ps, 2, channel, seal, payload);
            ps.executeQuery().close();
          }
          try (PreparedStatement ps = c.prepareStatement(sql.destroyCacheRow())) {
            ps.setString(1, cache);
            ps.executeUpdate();
          }
          return null;
        });
  }

  private final ExpiryHints expiryHints = new ExpiryHints();

  @Override
  public ExpiryHints expiryHints() {
    return expiryHints;
  }

  /**
   * Cuts the calls still waiting on the database (they fail with a {@link CacheException} saying
   * so, and their threads are free at once), then closes the LISTEN connection, the notification
   * lanes and the pool pgjcache opened (an application's {@code data-source} stays open: it is the
   * application's to close), within what is left of a closing manager's bound ({@link Closing}).
   * The pool closes on a thread of its own: if it has not finished in time — it waits for a
   * connection attempt it started, to a database that does not answer, at most connect-timeout — it
   * finishes there.
   */
  @Override
  public void close() {
    int cut = watchdog.close("the cache manager closed while the call was waiting for PostgreSQL");
    if (cut > 0) {
      LOG.info(
          "closing backend {}: cut {} calls that were still waiting for the database", target, cut);
    }
    try {
      if (feed != null) {
        feed.close();
      }
      if (notices != null) {
        notices.close();
      }
    } finally {
      closePool();
      LOG.debug("backend {} closed", target);
    }
  }

  /**
   * Closes the pool pgjcache opened; the application's {@code data-source} stays open, as it came.
   */
  private void closePool() {
    if (ownPool == null) {
      return;
    }
    Thread closer = new Thread(ownPool::close, ownPool.getPoolName() + "-closing");
    closer.setDaemon(true);
    closer.start();
    try {
      long wait = Closing.teardownMillis(Long.MAX_VALUE);
      if (wait > 0) {
        closer.join(wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      LOG.info(
          "backend {}: the pool has not finished closing within the close's bound (it waits for"
              + " a connection attempt it started, at most connect-timeout); it finishes in the background",
          target);
    }
  }

  // --- expiry (reaper) ---

  /**
   * The origin of the reaper's announcements: no subscriber has it, so every subscriber hears them.
   */
  private String reaperOrigin() {
    return subscribers.nodeId() + ".reaper";
  }

  /**
   * Expires due entries in one transaction and announces them with one batch notification per
   * cache, sent at commit. Without a LISTEN connection the batches are handed to this node's caches
   * directly.
   */
  @Override
  public int expireDue(int limit) {
    String origin = reaperOrigin();
    List<String> payloads = new ArrayList<>();
    int expired =
        jdbc.transaction(
            "expiring entries",
            null,
            c -> {
              if (!takeReaperRole(c)) {
                return -1;
              }
              Map<String, long[]> ranges = new LinkedHashMap<>();
              int count = 0;
              try (PreparedStatement ps = c.prepareStatement(sql.expireDue())) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    count++;
                    long rev = rs.getLong(2);
                    ranges.merge(
                        rs.getString(1),
                        new long[] {rev, rev},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                  }
                }
              }
              ranges.forEach(
                  (cache, range) -> {
                    String[] parts = Payloads.batch('X', cache, origin);
                    payloads.add(seal.seal(parts[0] + range[0] + "|" + range[1] + parts[1], now()));
                  });
              if (!payloads.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(sql.notifyEach())) {
                  ps.setString(1, channel);
                  ps.setArray(2, c.createArrayOf("text", payloads.toArray()));
                  ps.executeQuery().close();
                }
              }
              return count;
            });
    if (feed == null) {
      payloads.forEach(notices::accept);
    }
    return expired;
  }

  @Override
  public int purgeTombstones(long retentionMillis, int limit) {
    return jdbc.transaction(
        "purging tombstones",
        null,
        c -> {
          if (!takeReaperRole(c)) {
            return -1;
          }
          try (PreparedStatement ps = c.prepareStatement(sql.purgeTombstones())) {
            ps.setLong(1, retentionMillis);
            ps.setInt(2, limit);
            return ps.executeUpdate();
          }
        });
  }

  private boolean takeReaperRole(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.tryReaperRole())) {
      ps.setString(1, sql.reaperLockName());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  // --- sync (heartbeat, reconciliation) ---

  private volatile SyncQueries syncQueries;

  private SyncQueries syncQueries() {
    SyncQueries queries = syncQueries;
    if (queries == null) {
      queries = new SyncQueries(jdbc, new SyncSql(sql, settings.table()));
      syncQueries = queries;
    }
    return queries;
  }

  @Override
  public Map<String, RevisionSums> revisionSums(Collection<String> caches) {
    return syncQueries().revisionSums(caches);
  }

  @Override
  public Map<String, BucketSums> checksums(Collection<String> caches) {
    return syncQueries().checksums(caches);
  }

  @Override
  public Map<String, Long> revisionsInBuckets(String cache, int[] buckets) {
    return syncQueries().revisionsInBuckets(cache, buckets);
  }

  @Override
  public Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys) {
    return syncQueries().rowsOrTombstones(cache, keys);
  }

  @Override
  public Map<String, Long> revisionsOf(String cache, Collection<String> keys) {
    return syncQueries().revisionsOf(cache, keys);
  }

  @Override
  public List<Row> page(String cache, String after, int limit) {
    return syncQueries().page(cache, after, limit);
  }

  @Override
  public void recordNode(NodeBeat beat, Duration staleAfter) {
    syncQueries().recordNode(beat, staleAfter);
  }

  @Override
  public void removeNode(String nodeId) {
    syncQueries().removeNode(nodeId);
  }

  /**
   * Whether the LISTEN connection is open and hears notifications: an open connection whose probe
   * did not come back ({@link ListenProbe}) is not listening, and its last error says why.
   */
  @Override
  public org.pgjcache.ListenStatus listenStatus() {
    if (feed == null) {
      return new org.pgjcache.ListenStatus(
          false, 0, "notifications are off" + " (pgjcache.notifications=false)", null, 0);
    }
    org.pgjcache.ListenStatus open = feed.status();
    boolean deaf = probe.deaf();
    boolean probeErrorLater = probe.error() != null && probe.errorAt() >= open.lastErrorAtMillis();
    String error = probeErrorLater ? probe.error() : open.lastError();
    long errorAt = probeErrorLater ? probe.errorAt() : open.lastErrorAtMillis();
    boolean listening = open.listening() && !deaf;
    long since =
        open.listening() ? Math.max(open.sinceMillis(), probe.changedAt()) : open.sinceMillis();
    return new org.pgjcache.ListenStatus(listening, since, open.endpoint(), error, errorAt);
  }

  /** Probes the LISTEN connection (see {@link ListenProbe}); each heartbeat calls this. */
  @Override
  public void probeListen() {
    if (probe != null && feed != null) {
      probe.send();
    }
  }

  @Override
  public void runInOrder(String cache, Runnable task) {
    notices.runInOrder(cache, task);
  }

  @Override
  public long listenReconnects() {
    return reconnects();
  }

  /**
   * While {@code true}, notifications reaching this backend are dropped unseen, as if the network
   * had lost them; only heartbeats and reconnects then bring its caches up to date. For tests only
   * (through their {@code LostNotifications}), hence not public.
   */
  void dropNotifications(boolean suppress) {
    notices.suppressForTest(suppress);
  }

  /** How long a new subscriber waits for its fence before it opens anyway. */
  private static final long FENCE_WAIT_MILLIS = 2_000;

  /**
   * Attaches a cache instance behind a fence (see {@link Fences}), so that notifications still on
   * their way from before it loads (a destroyed instance of the same name, say) cannot resurrect
   * entries in it. Without a LISTEN connection there is nothing to fence.
   */
  private Subscription fencedSubscribe(String cache, ChangeListener listener) {
    if (feed == null || notices.isDispatcher()) {
      return subscribers.add(cache, listener);
    }
    Subscription subscription = subscribers.addFenced(cache, listener);
    Fences.Pending pending = notices.fences().expect(cache, subscription);
    try {
      jdbc.run(
          "sending a fence",
          cache,
          c -> {
            try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
              ps.setString(1, channel);
              ps.setString(2, seal.seal(Fences.payload(subscription), now()));
              ps.executeQuery().close();
            }
            return null;
          });
      if (!pending.passed.await(FENCE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        LOG.debug(
            "cache '{}': fence not back within {} ms; listening without it",
            cache,
            FENCE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      notices.fences().abandon(pending);
      subscription.close();
      throw e;
    } finally {
      notices.fences().abandon(pending);
    }
    return subscription;
  }
}
