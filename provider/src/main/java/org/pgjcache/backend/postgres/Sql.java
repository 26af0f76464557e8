package org.pgjcache.backend.postgres;

import org.pgjcache.config.Identifiers;

/**
 * The SQL text of the backend for one configured schema and table. Identifiers come from validated
 * settings and are quoted; everything else (cache names, keys, values) is a bind parameter.
 */
final class Sql {

  /**
   * The one order in which every statement that locks several rows takes them (byte order, whatever
   * the database's collation), so two such statements never wait for each other in a cycle.
   */
  private static final String LOCK_ORDER = "collate \"C\"";

  /** Expiry instant as epoch milliseconds, {@code Long.MAX_VALUE} when eternal. */
  private static final String EXP =
      "coalesce((extract(epoch from expires_at) * 1000)::bigint, " + Long.MAX_VALUE + ")";

  /** The entry a row replaced: value, revision (0: none), expiry as {@link #EXP}. */
  private static final String PRIOR =
      "prev_value, coalesce(prev_rev, 0), coalesce((extract(epoch"
          + " from prev_expires_at) * 1000)::bigint, "
          + Long.MAX_VALUE
          + ")";

  /** Epoch milliseconds parameter to a timestamp, null when eternal. */
  private static final String TO_TS =
      "(case when ?::bigint = "
          + Long.MAX_VALUE
          + " then null else to_timestamp(?::bigint / 1000.0) end)";

  /**
   * A live row: it has a value and has not expired at the instant given as a parameter (epoch
   * millis on the database clock as the client estimates it, the same clock that computed the
   * expiry).
   */
  /**
   * When a notification was sent: epoch milliseconds on the database clock (see {@link
   * NoticeSeal}).
   */
  static final String SENT = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

  /**
   * Sends the payload {@code s.p} (see {@link #sealed}) with its HMAC, computed by the database
   * from the padded keys of {@link NoticeSeal}. Parameters: channel, outer pad, inner pad.
   */
  static final String SIGNED =
      "pg_notify(?, s.p || '|' || encode(sha256(?::bytea || sha256(?::bytea"
          + " || convert_to(s.p, 'UTF8'))), 'base64'))";

  /**
   * The first assignments of every write's {@code set}: the row keeps the entry it replaces (value,
   * revision, expiry), so that a node that does not hold the key can still report the change with
   * its old value and as an update rather than a creation (see {@link #prior}).
   */
  private static final String KEEP_PRIOR =
      "prev_value = t.value, prev_rev = t.rev," + " prev_expires_at = t.expires_at, ";

  private static final String LIVE =
      "value is not null and (expires_at is null or expires_at >"
          + " to_timestamp(?::bigint / 1000.0))";

  /**
   * The tail of a bulk statement whose written rows are {@code w}: one notification for the whole
   * batch. {@code materialized} keeps the notification a single evaluation: inlined, a generic plan
   * that guesses one row for {@code w} runs it once per row.
   */
  private static final String BATCH_NOTICE =
      " n as materialized (select "
          + Sql.SIGNED
          + " from (select ? || min(rev) || '|' || max(rev) || ? || '|' || "
          + Sql.SENT
          + " as p"
          + " from w having count(*) > 0) s)"
          + " select w.key, w.rev from w cross join n";

  final String table;
  final String sequence;
  final String caches;
  final String nodes;
  final String secret;

  /** The function and view through which SQL reads JSON values as {@code jsonb}. */
  final String jsonFunction;

  final String jsonView;
  final String schema;

  /**
   * The revision of a key's next change: the sequence's next value, but never at or below the key's
   * current one (the row is aliased {@code t}), so revisions of one key keep growing even after the
   * sequence was restarted or set back (a restore, a failover to a logical replica).
   */
  private final String nextRevOf;

  /**
   * The statements every operation runs, built once from the names above (see the {@code build}
   * methods for their parameters); the {@code ThenCommit} ones end with the commit of their
   * transaction, sent in the same round trip.
   */
  final String get;

  final String getAll;
  final String revRange;
  final String prior;
  final String put;
  final String putAll;
  final String putMany;
  final String remove;
  final String removeAll;
  final String clear;
  final String lockRow;
  final String touch;
  final String updateThenCommit;
  final String tombstoneThenCommit;
  final String touchThenCommit;

  Sql(String schema, String table) {
    this.schema = Identifiers.quote(schema);
    this.table = this.schema + "." + Identifiers.quote(table);
    this.sequence = this.schema + "." + Identifiers.quote(table + "_rev");
    this.caches = this.schema + "." + Identifiers.quote(table + "_caches");
    this.nodes = this.schema + "." + Identifiers.quote(table + "_nodes");
    this.secret = this.schema + "." + Identifiers.quote(table + "_secret");
    this.jsonFunction = this.schema + "." + Identifiers.quote(table + "_json_value");
    this.jsonView = this.schema + "." + Identifiers.quote(table + "_json");
    this.nextRevOf = "greatest(nextval('" + sequence + "'), t.rev + 1)";
    this.get = buildGet();
    this.getAll = buildGetAll();
    this.revRange = buildRevRange();
    this.prior = buildPrior();
    this.put = buildPut();
    this.putAll = buildPutAll();
    this.putMany = buildPutMany();
    this.remove = buildRemove();
    this.removeAll = buildRemoveAll();
    this.clear = buildClear();
    this.lockRow = buildLockRow();
    this.touch = buildTouch();
    this.updateThenCommit = thenCommit(buildUpdate());
    this.tombstoneThenCommit = thenCommit(buildTombstone());
    this.touchThenCommit = thenCommit(touch);
  }

  /**
   * The source {@code s.p} that {@link #SIGNED} sends: a payload expression (with its parameters,
   * bound after those of {@code SIGNED}) followed by its send time.
   */
  private static String sealed(String payload) {
    return " cross join lateral (select " + payload + " || '|' || " + SENT + " as p) s";
  }

  /**
   * A statement followed by {@code commit}, sent in one round trip (the driver sends both before it
   * waits); the transaction's later {@code Connection.commit()} then has nothing to do.
   */
  private static String thenCommit(String statement) {
    return statement + "; commit";
  }

  String[] ddl(String rawTable) {
    String expiryIndex = Identifiers.quote(rawTable + "_expiry");
    String revIndex = Identifiers.quote(rawTable + "_rev_idx");
    return new String[] {
      "create schema if not exists " + schema,
      "create sequence if not exists " + sequence,
      "create table if not exists "
          + table
          + " (cache text not null, key text not null,"
          + " value bytea, rev bigint not null, expires_at timestamptz,"
          + " updated_at timestamptz not null default now(), primary key (cache, key))",
      // the entry each row replaced (see KEEP_PRIOR); added after the first release
      "alter table "
          + table
          + " add column if not exists prev_value bytea,"
          + " add column if not exists prev_rev bigint,"
          + " add column if not exists prev_expires_at timestamptz",
      "create index if not exists "
          + expiryIndex
          + " on "
          + table
          + " (expires_at) where expires_at is not null and value is not null",
      "create index if not exists " + revIndex + " on " + table + " (cache, rev)",
      "create index if not exists "
          + Identifiers.quote(rawTable + "_tombstones")
          + " on "
          + table
          + " (updated_at) where value is null",
      "create table if not exists "
          + caches
          + " (name text primary key,"
          + " created_at timestamptz not null default now())",
      // where the heartbeat learns that rows left the table (see SyncSql.ddl); added later
      "alter table " + caches + " add column if not exists cleared_rev bigint not null default 0",
      "create table if not exists "
          + nodes
          + " (node text primary key, name text not null,"
          + " started_at timestamptz not null, last_heartbeat timestamptz not null,"
          + " caches int not null default 0, matched boolean, last_repair timestamptz,"
          + " repaired_entries bigint not null default 0)",
      // health columns added after the first release: existing node tables gain them
      "alter table "
          + nodes
          + " add column if not exists listening boolean,"
          + " add column if not exists listening_since timestamptz,"
          + " add column if not exists listen_endpoint text,"
          + " add column if not exists last_listen_error text,"
          + " add column if not exists skipped_notifications bigint not null default 0,"
          + " add column if not exists forged_notifications bigint not null default 0",
      // the key that seals notifications (see NoticeSeal): readable by pgjcache's role only
      "create table if not exists "
          + secret
          + " (id int primary key check (id = 1),"
          + " key bytea not null)",
      "revoke all on " + secret + " from public",
      // what SQL sees of values written as JSON (value-format: json): tag 8, then UTF-8 JSON
      "create or replace function "
          + jsonFunction
          + "(v bytea) returns jsonb language sql"
          + " immutable strict as $pgjcache$ select case when get_byte(v, 0) = 8"
          + " then convert_from(substring(v from 2), 'UTF8')::jsonb end $pgjcache$",
      "create or replace view "
          + jsonView
          + " as select cache, key, "
          + jsonFunction
          + "(value) as value, rev, expires_at, updated_at from "
          + table
          + " where value is not null",
      "insert into "
          + secret
          + " (id, key) select 1, decode(replace(gen_random_uuid()::text"
          + " || gen_random_uuid()::text, '-', ''), 'hex') on conflict (id) do nothing"
    };
  }

  String readSecret() {
    return "select key from " + secret + " where id = 1";
  }

  /** The relations the backend needs, as {@code to_regclass} accepts them. */
  String[] relations() {
    return new String[] {table, sequence, caches, nodes, secret};
  }

  String clock() {
    return "select (extract(epoch from clock_timestamp()) * 1000)::bigint";
  }

  /**
   * Bounds the rest of a transaction, as {@code set local} would but with parameters: statement and
   * lock timeout in milliseconds, as text ({@code 0}: no lock timeout). It also keeps the put's
   * plan: left to choose, PostgreSQL kept planning the sealed upsert afresh at every execution
   * (about 25 µs of a 270 µs put on a 2-core machine), while its generic plan is as good. With
   * {@code relaxed} ({@code durability=relaxed}) the transaction commits without waiting for its
   * WAL flush. All of it ends with the transaction: nothing stays on the (possibly pooled) session.
   */
  String limits(boolean relaxed) {
    return "select set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true),"
        + " set_config('plan_cache_mode', 'force_generic_plan', true)"
        + (relaxed ? ", set_config('synchronous_commit', 'off', true)" : "");
  }

  String ensureCache() {
    return "insert into " + caches + " (name) values (?) on conflict do nothing";
  }

  private String buildGet() {
    return "select value, rev, "
        + EXP
        + " from "
        + table
        + " where cache = ? and key = ? and value is not null";
  }

  private String buildGetAll() {
    return "select key, value, rev, "
        + EXP
        + " from "
        + table
        + " where cache = ? and key = any(?) and value is not null";
  }

  String scan() {
    return "select key, value, rev, "
        + EXP
        + " from "
        + table
        + " where cache = ? and value is not null";
  }

  /**
   * Parameters: cache, the last key of the previous page, limit. Returns key, value, rev, expiry
   * millis of the next values in key order: a walk over the primary key's index that holds no more
   * than a page in memory, however large the cache.
   */
  String page() {
    return "select key, value, rev, "
        + EXP
        + " from "
        + table
        + " where cache = ? and value is not null and key > ? order by key limit ?";
  }

  /** Tombstones of a cache changed in the last milliseconds given. Parameters: cache, millis. */
  String recentRemovals() {
    return "select key, value, rev, "
        + EXP
        + " from "
        + table
        + " where cache = ? and value is null"
        + " and updated_at > now() - ?::bigint * interval '1 millisecond'";
  }

  /** Rows (with tombstones) of a cache whose revision lies in a range: what a batch announced. */
  private String buildRevRange() {
    return "select key, value, rev, "
        + EXP
        + ", "
        + PRIOR
        + " from "
        + table
        + " where cache = ? and rev between ? and ?";
  }

  /**
   * What a row held before the change at a given revision, if the row is still at it. Parameters:
   * cache, key, rev.
   */
  private String buildPrior() {
    return "select " + PRIOR + " from " + table + " where cache = ? and key = ? and rev = ?";
  }

  /** Parameters: cache, key, value, exp, exp, channel, payload head, payload tail. */
  private String buildPut() {
    return "with w as (insert into "
        + table
        + " as t (cache, key, value, rev, expires_at)"
        + " values (?, ?, ?, nextval('"
        + sequence
        + "'), "
        + TO_TS
        + ")"
        + " on conflict (cache, key) do update set "
        + KEEP_PRIOR
        + "value = excluded.value,"
        + " rev = "
        + nextRevOf
        + ", expires_at = excluded.expires_at,"
        + " updated_at = now() returning rev)"
        + " select w.rev, "
        + SIGNED
        + " from w"
        + sealed("? || w.rev || ?");
  }

  /** Parameters: cache, keys[], values[], exps[], channel, payload head, payload tail. */
  private String buildPutAll() {
    return "with input as (select * from unnest(?::text[], ?::bytea[], ?::bigint[])"
        + " with ordinality as i(key, value, exp, ord)),"
        + " w as (insert into "
        + table
        + " as t (cache, key, value, rev, expires_at)"
        + " select ?, key, value, nextval('"
        + sequence
        + "'), case when exp = "
        + Long.MAX_VALUE
        + " then null else to_timestamp(exp / 1000.0) end from input order by key "
        + LOCK_ORDER
        + " on conflict (cache, key) do update set "
        + KEEP_PRIOR
        + "value = excluded.value,"
        + " rev = "
        + nextRevOf
        + ", expires_at = excluded.expires_at,"
        + " updated_at = now() returning key, rev),"
        + BATCH_NOTICE;
  }

  /**
   * Many unconditional puts, possibly of several caches, in one statement, each announced with its
   * own notification (value inline when it fits). Keys must be unique per cache within one call.
   * Parameters: caches[], keys[], values[], exps[], heads[], tails[], channel.
   */
  private String buildPutMany() {
    return "with input as (select * from unnest(?::text[], ?::text[], ?::bytea[], ?::bigint[],"
        + " ?::text[], ?::text[]) with ordinality as i(cache, key, value, exp, head, tail, ord)),"
        + " w as (insert into "
        + table
        + " as t (cache, key, value, rev, expires_at)"
        + " select cache, key, value, nextval('"
        + sequence
        + "'), case when exp = "
        + Long.MAX_VALUE
        + " then null else to_timestamp(exp / 1000.0) end from input"
        + " order by cache "
        + LOCK_ORDER
        + ", key "
        + LOCK_ORDER
        + " on conflict (cache, key) do update set "
        + KEEP_PRIOR
        + "value = excluded.value,"
        + " rev = "
        + nextRevOf
        + ", expires_at = excluded.expires_at,"
        + " updated_at = now() returning cache, key, rev)"
        + " select i.ord, w.rev, "
        + SIGNED
        + " from w join input i on i.cache = w.cache and i.key = w.key"
        + sealed("i.head || w.rev || i.tail")
        + " order by i.ord";
  }

  /** Parameters: cache, key, now, channel, payload head, payload tail. */
  private String buildRemove() {
    return "with w as (update "
        + table
        + " t set "
        + KEEP_PRIOR
        + "value = null, rev = "
        + nextRevOf
        + ","
        + " expires_at = null, updated_at = now() where cache = ? and key = ? and "
        + LIVE
        + " returning rev) select w.rev, "
        + SIGNED
        + " from w"
        + sealed("? || w.rev || ?");
  }

  /** Parameters: cache, keys[], now, channel, payload head, payload tail. */
  private String buildRemoveAll() {
    return "with l as materialized (select cache, key from "
        + table
        + " where cache = ?"
        + " and key = any(?) and "
        + LIVE
        + " order by key "
        + LOCK_ORDER
        + " for update),"
        + " w as (update "
        + table
        + " t set "
        + KEEP_PRIOR
        + "value = null, rev = "
        + nextRevOf
        + ","
        + " expires_at = null, updated_at = now() from l where t.cache = l.cache and t.key = l.key"
        + " returning t.key, t.rev),"
        + BATCH_NOTICE;
  }

  /** Parameters: cache, channel, payload head, payload tail. */
  private String buildClear() {
    return "with l as materialized (select cache, key from "
        + table
        + " where cache = ?"
        + " order by key "
        + LOCK_ORDER
        + " for update),"
        + " d as (delete from "
        + table
        + " t using l where t.cache = l.cache and t.key = l.key"
        + " returning 1),"
        + " r as (select nextval('"
        + sequence
        + "') as rev from (select count(*) from d) c)"
        + " select r.rev, "
        + SIGNED
        + " from r"
        + sealed("? || r.rev || ?");
  }

  String destroyCacheRow() {
    return "delete from " + caches + " where name = ?";
  }

  /** Locks the row of a key, creating an empty one if there is none. Parameters: cache, key. */
  private String buildLockRow() {
    return "insert into "
        + table
        + " (cache, key, value, rev) values (?, ?, null, 0)"
        + " on conflict (cache, key) do update set cache = excluded.cache"
        + " returning value, rev, "
        + EXP;
  }

  /** Parameters: value, exp, exp, cache, key, channel, payload head, payload tail. */
  private String buildUpdate() {
    return "with w as (update "
        + table
        + " t set "
        + KEEP_PRIOR
        + "value = ?, rev = "
        + nextRevOf
        + ","
        + " expires_at = "
        + TO_TS
        + ", updated_at = now() where cache = ? and key = ?"
        + " returning rev) select w.rev, "
        + SIGNED
        + " from w"
        + sealed("? || w.rev || ?");
  }

  /** Parameters: cache, key, channel, payload head, payload tail. */
  private String buildTombstone() {
    return "with w as (update "
        + table
        + " t set "
        + KEEP_PRIOR
        + "value = null, rev = "
        + nextRevOf
        + ","
        + " expires_at = null, updated_at = now() where cache = ? and key = ?"
        + " returning rev) select w.rev, "
        + SIGNED
        + " from w"
        + sealed("? || w.rev || ?");
  }

  /** Parameters: exp, exp, cache, key, rev, channel, payload. */
  private String buildTouch() {
    return "with w as (update "
        + table
        + " set expires_at = "
        + TO_TS
        + ", updated_at = now()"
        + " where cache = ? and key = ? and rev = ? and value is not null returning rev)"
        + " select rev, pg_notify(?, ?) from w";
  }

  // --- expiry (reaper) ---

  /** The advisory lock's name: one reaper at a time per table, whatever the caches. */
  String reaperLockName() {
    return "pgjcache-reaper " + table;
  }

  /**
   * Takes the reaper role until the end of the transaction if no other session has it. Parameter:
   * the lock's name.
   */
  String tryReaperRole() {
    return "select pg_try_advisory_xact_lock(hashtext(?))";
  }

  /**
   * Turns entries that have expired into tombstones, oldest expiry first; rows another transaction
   * holds are skipped (the next sweep gets them). The tombstone keeps {@code expires_at}: that is
   * how a reader of the row tells an expiry from a removal, whose tombstone has none. Parameter:
   * limit. Returns (cache, rev) per expired entry.
   */
  String expireDue() {
    return "with due as (select cache, key from "
        + table
        + " where value is not null"
        + " and expires_at <= clock_timestamp() order by expires_at limit ? for update skip locked)"
        + " update "
        + table
        + " t set "
        + KEEP_PRIOR
        + "value = null, rev = "
        + nextRevOf
        + ","
        + " updated_at = now() from due where t.cache = due.cache and t.key = due.key"
        + " returning t.cache, t.rev";
  }

  /** Sends each of the given payloads on a channel. Parameters: channel, payloads[]. */
  String notifyEach() {
    return "select count(pg_notify(?, p)) from unnest(?::text[]) as p";
  }

  /**
   * Deletes tombstones (and the empty rows atomic operations leave behind) that have not changed
   * for a while. Parameters: retention in milliseconds, limit.
   */
  String purgeTombstones() {
    return "with old as (select cache, key from "
        + table
        + " where value is null"
        + " and updated_at < now() - ?::bigint * interval '1 millisecond' limit ?"
        + " for update skip locked)"
        + " delete from "
        + table
        + " t using old where t.cache = old.cache and t.key = old.key";
  }
}
