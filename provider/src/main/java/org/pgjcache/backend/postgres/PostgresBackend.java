package org.pgjcache.backend.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheException;
import javax.sql.DataSource;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeFeed;
import org.pgjcache.backend.Closing;
import org.pgjcache.backend.EntryStore;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.backend.Write;
import org.pgjcache.backend.postgres.listen.ListenHosts;
import org.pgjcache.config.Durability;
import org.pgjcache.config.Settings;
import org.pgjcache.sync.Coordination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product backend, as three parts on one connection pool: the {@link PostgresStore} (entries in
 * one table, each change announced by NOTIFY in the statement that makes it), the {@link
 * PostgresFeed} (one LISTEN connection per backend feeding every cache of this JVM) and the {@link
 * PostgresCoordination} (reaper role, heartbeat queries, node table). This class only opens them in
 * order and closes them within the close's bound.
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

  /** The pool pgjcache opened and closes; null when it runs on the application's. */
  private final HikariDataSource ownPool;

  private final Watchdog watchdog;
  private final Jdbc jdbc;
  private final Sql sql;
  private final DatabaseClock clock = new DatabaseClock();
  private final PostgresStore store;
  private final PostgresFeed feed;
  private final PostgresCoordination coordination;

  private PostgresBackend(Settings settings) {
    this.settings = settings;
    this.target = settings.describeTarget();
    this.sql = new Sql(settings.schema(), settings.table());
    String channel = settings.channel();
    // read before any connection is made: a URL the LISTEN connection cannot follow is refused at
    // once
    ListenHosts listenHosts = settings.notifications() ? listenHosts(settings) : null;
    String poolName = "pgjcache-" + POOLS.incrementAndGet();
    this.ownPool = settings.dataSource().isPresent() ? null : openPool(settings, target, poolName);
    DataSource pool = settings.dataSource().isPresent() ? settings.dataSource().get() : ownPool;
    long statementMillis = settings.statementTimeout().toMillis();
    long connectMillis = connectMillis(settings);
    this.watchdog =
        new Watchdog(
            poolName + "-watchdog",
            Math.max(10, Math.min(1_000, (statementMillis + connectMillis) / 4)));
    Subscribers subscribers = new Subscribers(UUID.randomUUID().toString());
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
      SyncSql syncSql = new SyncSql(sql, settings.table());
      Schema schema = new Schema(jdbc, sql, settings.table(), target, syncSql.deletionTriggers());
      NoticeSeal seal =
          new NoticeSeal(
              schema.prepare(
                  settings.ddl(), () -> PostgresCoordination.createSchema(jdbc, syncSql)));
      boolean recordsDeletions = schema.recordsDeletions();
      if (!recordsDeletions) {
        LOG.info(
            "{}: the tables predate deletion tracking (pgjcache.ddl=false): heartbeats compare"
                + " whole caches; run PgCachingProvider.ddl(properties) to let them compare changes",
            target);
      }
      WriteCombiner combiner =
          new WriteCombiner(
              jdbc, sql, channel, seal, statementMillis, connectMillis, unseen(subscribers));
      clock.measure(jdbc, sql);
      this.store = new PostgresStore(jdbc, sql, channel, seal, combiner, clock);
      this.feed = new PostgresFeed(settings, listenHosts, jdbc, seal, clock, subscribers, store);
      this.coordination =
          new PostgresCoordination(
              jdbc,
              sql,
              syncSql,
              channel,
              seal,
              clock,
              subscribers.nodeId() + ".reaper", // no subscriber has it: every one hears the reaper
              feed.localDelivery(),
              recordsDeletions);
    } catch (RuntimeException e) {
      watchdog.close("the backend failed to open");
      if (ownPool != null) {
        ownPool.close();
      }
      throw e;
    }
  }

  /**
   * Connects, creates the schema if allowed, and starts listening; fails within the connect
   * timeout.
   */
  public static PostgresBackend open(Settings settings) {
    return new PostgresBackend(settings);
  }

  @Override
  public EntryStore store() {
    return store;
  }

  @Override
  public ChangeFeed feed() {
    return feed;
  }

  /** The heartbeat's and the reaper's part, handed to them when the backend opens. */
  public Coordination coordination() {
    return coordination;
  }

  /** The connect timeout as the pool uses it: at least 250 ms, the least HikariCP accepts. */
  private static long connectMillis(Settings settings) {
    return settings.poolConnectTimeout().toMillis();
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
  private static PutOutcomes unseen(Subscribers subscribers) {
    return new PutOutcomes() {
      @Override
      public void committedUnseen(String cache, String origin, Write write, long rev) {
        subscribers.deliverTo(
            cache, new Change(Op.PUT, write.key(), rev, write.value(), write.expireAt()), origin);
      }

      @Override
      public void unknown(String cache) {
        subscribers.gap(cache);
      }
    };
  }

  /**
   * The statements that create pgjcache's tables for these settings, for deployments where the
   * application's database user may not run DDL.
   */
  public static List<String> ddl(Settings settings) {
    Sql sql = new Sql(settings.schema(), settings.table());
    List<String> all = new java.util.ArrayList<>(List.of(sql.ddl(settings.table())));
    all.addAll(List.of(new SyncSql(sql, settings.table()).ddl()));
    return all;
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

  /** Re-measures the offset between this JVM's clock and the database's (for tests). */
  void measureClock() {
    clock.measure(jdbc, sql);
  }

  /** The server process id of the LISTEN connection, -1 if none (for tests that kill it). */
  public int listenerPid() {
    return feed.listenerPid();
  }

  /** How many times the LISTEN connection has been re-established. */
  public long reconnects() {
    return feed.listenReconnects();
  }

  /**
   * Notifications dropped before their seal was checked: they named a cache not opened here, or
   * were this node's own.
   */
  long unopenedNotifications() {
    return feed.unopenedNotifications();
  }

  /** The entries of a batch notification (see {@link PostgresStore#revisions}). */
  java.util.List<Change> revisions(String cache, long min, long max) {
    return store.revisions(cache, min, max);
  }

  @Override
  public String describe() {
    return "postgres " + target;
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
      feed.close();
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

  /**
   * While {@code true}, notifications reaching this backend are dropped unseen, as if the network
   * had lost them; only heartbeats and reconnects then bring its caches up to date. For tests only
   * (through their {@code LostNotifications}), hence not public.
   */
  void dropNotifications(boolean suppress) {
    feed.dropNotifications(suppress);
  }
}
