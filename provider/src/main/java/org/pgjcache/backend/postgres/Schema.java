package org.pgjcache.backend.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.cache.CacheException;

/**
 * Makes sure pgjcache's tables are there and current before a backend uses them, and reads the
 * notification secret. With {@code ddl=true} it creates or upgrades what is missing, but runs no
 * DDL when everything is in place, so a role without CREATE may keep the default; with {@code
 * ddl=false} it names what is missing at open rather than failing on first use.
 */
final class Schema {

  /** A column added after the first release that every write statement now assigns. */
  private static final String NEWEST_ENTRY_COLUMN = "prev_expires_at";

  private static final String HOW =
      " run the statements of PgCachingProvider.ddl(properties) (they only create what is missing), or"
          + " start once with pgjcache.ddl=true";

  private final Jdbc jdbc;
  private final Sql sql;
  private final String rawTable;
  private final String target;

  /** The triggers that record deletions for the heartbeat (see {@link SyncSql#ddl()}). */
  private final String[] deletionTriggers;

  Schema(Jdbc jdbc, Sql sql, String rawTable, String target, String[] deletionTriggers) {
    this.jdbc = jdbc;
    this.sql = sql;
    this.rawTable = rawTable;
    this.target = target;
    this.deletionTriggers = deletionTriggers.clone();
  }

  /**
   * Creates what is missing (with {@code ddl}, then {@code createTrigger} too) or checks that it is
   * there, and returns the notification secret.
   */
  byte[] prepare(boolean ddl, Runnable createTrigger) {
    if (ddl && !inPlace()) {
      create();
      createTrigger.run();
    } else {
      check();
    }
    return readSecret();
  }

  private void create() {
    jdbc.transaction(
        "creating the pgjcache tables",
        null,
        c -> {
          try (Statement st = c.createStatement()) {
            st.execute("select pg_advisory_xact_lock(hashtext('pgjcache-ddl'))");
            for (String ddl : sql.ddl(rawTable)) {
              st.execute(ddl);
            }
          }
          return null;
        });
  }

  /**
   * Whether everything {@code ddl=true} would create is there already (tables, secret, trigger).
   */
  private boolean inPlace() {
    if (!missingRelations().isEmpty()) {
      return false;
    }
    return holds(
            "select exists ("
                + sql.readSecret()
                + ") and exists (select 1 from pg_trigger where tgrelid = ?::regclass and tgname = ?)"
                + " and to_regclass(?) is not null",
            sql.table,
            rawTable + "_direct_sql",
            sql.jsonView)
        && hasColumn(sql.nodes, "forged_notifications")
        && hasColumn(sql.table, NEWEST_ENTRY_COLUMN)
        && recordsDeletions();
  }

  /**
   * Whether deletions of rows are recorded in the caches table (a column and two triggers of a
   * later version): only then may a heartbeat compare what changed rather than whole caches. With
   * {@code ddl=false} on tables of an earlier version, heartbeats compare whole caches, as before.
   */
  boolean recordsDeletions() {
    if (!hasColumn(sql.caches, "cleared_rev")) {
      return false;
    }
    for (String trigger : deletionTriggers) {
      if (!holds(
          "select exists (select 1 from pg_trigger where tgrelid = ?::regclass and tgname = ?)",
          sql.table,
          trigger)) {
        return false;
      }
    }
    return true;
  }

  /** With DDL switched off: names a missing table, or an entries table of an earlier version. */
  private void check() {
    List<String> missing = missingRelations();
    if (!missing.isEmpty()) {
      throw new CacheException(
          "pgjcache.ddl is false but "
              + String.join(", ", missing)
              + " does not exist in "
              + target
              + ";"
              + HOW);
    }
    if (!hasColumn(sql.table, NEWEST_ENTRY_COLUMN)) {
      throw new CacheException(
          "pgjcache.ddl is false but "
              + sql.table
              + " in "
              + target
              + " lacks the prev_value, prev_rev and prev_expires_at columns of this version;"
              + HOW);
    }
  }

  private boolean hasColumn(String relation, String column) {
    return holds(
        "select exists (select 1 from pg_attribute where attrelid = ?::regclass"
            + " and attname = ? and not attisdropped)",
        relation,
        column);
  }

  /** The boolean a one-row query answers, its text parameters bound in order. */
  private boolean holds(String query, String... parameters) {
    return jdbc.run(
        "checking the pgjcache tables",
        null,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
              ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() && rs.getBoolean(1);
            }
          }
        });
  }

  private List<String> missingRelations() {
    return jdbc.run(
        "checking the pgjcache tables",
        null,
        c -> {
          List<String> absent = new ArrayList<>();
          for (String relation : sql.relations()) {
            try (PreparedStatement ps = c.prepareStatement("select to_regclass(?)")) {
              ps.setString(1, relation);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) {
                  absent.add(relation);
                }
              }
            }
          }
          return absent;
        });
  }

  /** The secret notifications are sealed with (see {@link NoticeSeal}), from the secret table. */
  private byte[] readSecret() {
    byte[] secret =
        jdbc.run(
            "reading the notification secret",
            null,
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql.readSecret())) {
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getBytes(1) : null;
                }
              }
            });
    if (secret == null || secret.length < 16) {
      throw new CacheException(
          sql.secret
              + " in "
              + target
              + " holds no secret of at least 16 bytes (its last DDL statement stores a random one);"
              + HOW);
    }
    return secret;
  }
}
