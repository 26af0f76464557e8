package org.pgjcache.backend.postgres;

import org.pgjcache.config.Identifiers;
import org.pgjcache.sync.Checksums;

/**
 * The SQL of heartbeats and reconciliation: the database's side of {@link Checksums} (which it must
 * compute exactly as the Java side does), bucket listings, the node table, and the trigger that
 * gives rows edited directly by SQL a new revision so that heartbeats notice them.
 */
final class SyncSql {

  /** Bucket of a row's key: low bits of the first byte of {@code md5(key)} over its UTF-8 bytes. */
  static final String BUCKET =
      "(get_byte(decode(md5(convert_to(key, 'UTF8')), 'hex'), 0) & "
          + (Checksums.BUCKETS - 1)
          + ")";

  /** Hash of a row: the first eight bytes of {@code md5(key || ':' || rev)} as a signed bigint. */
  static final String HASH =
      "('x' || substr(md5(convert_to(key || ':' || rev, 'UTF8')), 1, 16))" + "::bit(64)::bigint";

  /**
   * Expiry instant as epoch milliseconds, {@code Long.MAX_VALUE} when eternal (as in {@link Sql}).
   */
  private static final String EXP =
      "coalesce((extract(epoch from expires_at) * 1000)::bigint, " + Long.MAX_VALUE + ")";

  private static final String DELETES = "_deletes";
  private static final String TRUNCATES = "_truncates";

  private final Sql sql;
  private final String rawTable;

  SyncSql(Sql sql, String rawTable) {
    this.sql = sql;
    this.rawTable = rawTable;
  }

  /** Parameters: caches[]. Returns cache, count, sum of {@code hashint8(rev)}. */
  String revisionSums() {
    return "select cache, count(*), sum(hashint8(rev)) from "
        + sql.table
        + " where cache = any(?) and value is not null group by cache";
  }

  /**
   * Parameters: cache, revision, rows. Returns the revision of the row that many rows after that
   * revision in revision order (none when fewer are left): where a span of a whole-cache statement
   * ends, found on the {@code (cache, rev)} index.
   */
  String spanEnd() {
    return "select rev from "
        + sql.table
        + " where cache = ? and rev > ? order by rev offset ? limit 1";
  }

  /**
   * Parameters: cache, revision after, revision up to. Returns bucket, count, sum (numeric: reduce
   * it mod 2^64) of the values in that span of revisions.
   */
  String checksums() {
    return "select "
        + BUCKET
        + " as bucket, count(*), sum("
        + HASH
        + ") from "
        + sql.table
        + " where cache = ? and rev > ? and rev <= ? and value is not null group by 1";
  }

  /**
   * Parameters: cache, buckets[], revision after, revision up to. Returns key, rev, of the values
   * in those buckets and that span of revisions.
   */
  String revisionsInBuckets() {
    return "select key, rev from "
        + sql.table
        + " where cache = ? and value is not null and "
        + BUCKET
        + " = any(?) and rev > ? and rev <= ?";
  }

  /**
   * Parameters: caches[]. Returns the sequence's last handed-out revision, then each named cache
   * that exists with the revision of the last deletion of its rows (0 if none): one row with a null
   * cache when none exists.
   */
  String horizon() {
    return "select (select case when is_called then last_value else last_value - 1 end from "
        + sql.sequence
        + "), c.name, c.cleared_rev from (select 1) one left join "
        + sql.caches
        + " c on c.name = any(?)";
  }

  /**
   * Parameters: cache, revision, limit. Returns key, rev, whether it is a removal, of the rows
   * changed after that revision, oldest first: a range of the {@code (cache, rev)} index, so a
   * heartbeat reads what changed, not the cache.
   */
  String changedSince() {
    return "select key, rev, value is null from "
        + sql.table
        + " where cache = ? and rev > ? order by rev limit ?";
  }

  /** Parameters: cache, keys[]. Returns key, value (null for a removal), rev, expiry millis. */
  String rowsOrTombstones() {
    return "select key, value, rev, "
        + EXP
        + " from "
        + sql.table
        + " where cache = ? and key = any(?)";
  }

  /** Parameters: cache, keys[]. Returns key, rev, of values and removals alike. */
  String revisionsOf() {
    return "select key, rev from " + sql.table + " where cache = ? and key = any(?)";
  }

  /** Parameters: node, name, started_at, caches, matched, last_repair, repaired_entries. */
  String recordNode() {
    return "insert into "
        + sql.nodes
        + " (node, name, started_at, last_heartbeat, caches, matched,"
        + " last_repair, repaired_entries, listening, listening_since, listen_endpoint,"
        + " last_listen_error, skipped_notifications, forged_notifications)"
        + " values (?, ?, ?, clock_timestamp(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " on conflict (node) do update set name = excluded.name,"
        + " last_heartbeat = excluded.last_heartbeat, caches = excluded.caches,"
        + " matched = excluded.matched, last_repair = excluded.last_repair,"
        + " repaired_entries = excluded.repaired_entries, listening = excluded.listening,"
        + " listening_since = excluded.listening_since,"
        + " listen_endpoint = excluded.listen_endpoint,"
        + " last_listen_error = excluded.last_listen_error,"
        + " skipped_notifications = excluded.skipped_notifications,"
        + " forged_notifications = excluded.forged_notifications";
  }

  /** Parameters: stale after (milliseconds), own node id. */
  String forgetStaleNodes() {
    return "delete from "
        + sql.nodes
        + " where last_heartbeat < clock_timestamp()"
        + " - ? * interval '1 millisecond' and node <> ?";
  }

  /** Parameters: node. */
  String removeNode() {
    return "delete from " + sql.nodes + " where node = ?";
  }

  /**
   * A trigger that gives a row a new revision when its value is changed by SQL that kept the old
   * revision (someone editing the table by hand): otherwise no checksum could tell the change
   * apart. pgjcache's own writes always take a new revision, so the trigger's condition skips them
   * without running the function.
   */
  String[] ddl() {
    String function = sql.schema + "." + Identifiers.quote(rawTable + "_bump_rev");
    String deleted = sql.schema + "." + Identifiers.quote(rawTable + "_deleted");
    String truncated = sql.schema + "." + Identifiers.quote(rawTable + "_truncated");
    String trigger = rawTable + "_direct_sql";
    return new String[] {
      "create or replace function "
          + function
          + "() returns trigger language plpgsql as"
          + " $pgjcache$ begin new.rev := nextval('"
          + sql.sequence
          + "');"
          + " new.prev_value := old.value; new.prev_rev := old.rev;"
          + " new.prev_expires_at := old.expires_at;"
          + " new.updated_at := now(); return new; end $pgjcache$",
      "do $pgjcache$ begin if not exists (select 1 from pg_trigger where tgrelid = '"
          + sql.table
          + "'::regclass and tgname = '"
          + trigger
          + "') then create trigger "
          + Identifiers.quote(trigger)
          + " before update on "
          + sql.table
          + " for each row when"
          + " (new.rev = old.rev and new.value is distinct from old.value) execute procedure "
          + function
          + "(); end if; end $pgjcache$",
      // rows that leave the table (clear, destroy, a DELETE or TRUNCATE by hand) leave no row
      // with a newer revision behind: record the deletion in the cache's row instead, so that a
      // heartbeat that compares only what changed still learns of it
      "create or replace function "
          + deleted
          + "() returns trigger language plpgsql as $pgjcache$ begin update "
          + sql.caches
          + " set cleared_rev = nextval('"
          + sql.sequence
          + "') where name in (select distinct cache from gone where value is not null);"
          + " return null; end $pgjcache$",
      "create or replace function "
          + truncated
          + "() returns trigger language plpgsql as $pgjcache$ begin update "
          + sql.caches
          + " set cleared_rev = nextval('"
          + sql.sequence
          + "'); return null; end $pgjcache$",
      createTrigger(
          DELETES, "after delete on " + sql.table + " referencing old table as gone", deleted),
      createTrigger(TRUNCATES, "after truncate on " + sql.table, truncated)
    };
  }

  /** Names of the triggers that record deletions (see {@link #ddl()}). */
  String[] deletionTriggers() {
    return new String[] {rawTable + DELETES, rawTable + TRUNCATES};
  }

  private String createTrigger(String suffix, String when, String function) {
    String name = rawTable + suffix;
    return "do $pgjcache$ begin if not exists (select 1 from pg_trigger where tgrelid = '"
        + sql.table
        + "'::regclass and tgname = '"
        + name
        + "') then create trigger "
        + Identifiers.quote(name)
        + " "
        + when
        + " for each statement execute procedure "
        + function
        + "(); end if; end $pgjcache$";
  }
}
