package org.pgjcache.bench.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.pgjcache.backend.postgres.listen.ListenConnection;
import org.pgjcache.backend.postgres.listen.ListenTarget;
import org.pgjcache.backend.postgres.listen.NotificationHandler;
import org.pgjcache.bench.BenchDatabase;

/**
 * The physical limit: a table shaped like pgjcache's (text key, bytea value, revision from a
 * sequence, timestamps, the same indexes), written and read with plain JDBC through HikariCP, and
 * one event-driven LISTEN connection draining the channel as a pgjcache node would. Keys, values
 * and NOTIFY payloads have the sizes pgjcache's own have.
 */
final class RawTable implements AutoCloseable {

  static final String CACHE = "raw";
  static final String CHANNEL = "raw_changes";
  static final int POOL = 16;

  static final String UPSERT =
      "insert into raw_entries (cache, key, value, rev)"
          + " values (?, ?, ?, nextval('raw_rev')) on conflict (cache, key) do update"
          + " set value = excluded.value, rev = nextval('raw_rev'), updated_at = now()";
  static final String UPSERT_NOTIFY =
      "with w as ("
          + UPSERT
          + " returning rev)"
          + " select rev, pg_notify(?, ? || rev || ?) from w";
  static final String SELECT = "select value, rev from raw_entries where cache = ? and key = ?";
  static final String BULK =
      "insert into raw_entries (cache, key, value, rev)"
          + " select ?, k, v, nextval('raw_rev') from unnest(?::text[], ?::bytea[]) as t(k, v)"
          + " on conflict (cache, key) do update"
          + " set value = excluded.value, rev = nextval('raw_rev'), updated_at = now()";

  final HikariDataSource pool;
  private final ListenConnection listener;

  RawTable() {
    this(false);
  }

  /**
   * @param relaxed whether every connection commits without waiting for its WAL flush ({@code
   *     synchronous_commit = off} for the session: the best case of {@code durability=relaxed})
   */
  RawTable(boolean relaxed) {
    BenchDatabase db = BenchDatabase.fresh("raw");
    HikariConfig config = new HikariConfig();
    if (relaxed) {
      config.setConnectionInitSql("set synchronous_commit = off");
    }
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(POOL);
    config.setMinimumIdle(POOL);
    pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement()) {
      st.execute("create sequence raw_rev");
      st.execute(
          "create table raw_entries (cache text not null, key text not null, value bytea,"
              + " rev bigint not null, expires_at timestamptz,"
              + " updated_at timestamptz not null default now(), primary key (cache, key))");
      st.execute(
          "create index raw_entries_expiry on raw_entries (expires_at)"
              + " where expires_at is not null and value is not null");
      st.execute("create index raw_entries_rev on raw_entries (cache, rev)");
      st.execute(
          "create index raw_entries_tombstones on raw_entries (updated_at)"
              + " where value is null");
      listener =
          ListenConnection.open(
              ListenTarget.fromJdbcUrl(db.jdbcUrl(), db.user(), db.password()),
              Duration.ofSeconds(10),
              new Drain());
      listener.listen(CHANNEL, Duration.ofSeconds(10));
    } catch (SQLException | IOException e) {
      pool.close();
      throw new IllegalStateException("cannot set up the raw JDBC table", e);
    }
  }

  @Override
  public void close() {
    listener.close();
    pool.close();
  }

  /** Receives and drops what the channel carries. */
  private static final class Drain implements NotificationHandler {
    @Override
    public void onNotification(int backendPid, String channel, String payload) {
      // the drain only consumes the notifications, as a listening node would
    }

    @Override
    public void onClosed(Throwable cause) {
      // the benchmark closes it at the end of the trial
    }
  }
}
