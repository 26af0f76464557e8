package org.pgjcache.backend.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.cache.CacheException;
import org.pgjcache.backend.Write;

/**
 * Groups concurrent unconditional puts into shared transactions (group commit).
 *
 * <p>Commits that NOTIFY serialize on one lock inside PostgreSQL, so one commit per put caps a whole
 * cluster at a few thousand puts per second however many threads write. Here the first writer to find
 * no commit in flight becomes the leader: it takes every put queued so far, writes them in one statement
 * (each still announced by its own notification) and one commit, and wakes their callers; writers that
 * arrive meanwhile queue up for the next commit. A lone writer pays nothing but a queue operation.
 *
 * <p>A leader first gathers: when fewer puts are queued than the previous commit carried, it yields the
 * processor for at most {@link #GATHER_NANOS} while the writers that commit just woke queue their next
 * puts. Without it, the leader of a busy cache often started as soon as a few had arrived, and the
 * others waited out a whole commit more (8 writers: 5.9 puts per commit and ~12,000 puts/s, with
 * gathering 7.7 and ~15,000 on 2 cores). The previous commit's size is the measure of concurrency, so a
 * lone writer never waits, and after a burst at most one commit waits in vain. Every
 * put has still committed before its call returns, and puts of one key keep their order (a statement
 * never holds the same key twice; a later put of a key goes in a following commit). Rows are locked in
 * key order, as by every statement that locks several rows, so batches never deadlock with each other
 * or with {@code putAll}, {@code removeAll} and {@code clear}.
 */
final class WriteCombiner {

  private static final int MAX_BATCH = 512;
  /** The longest a leader waits for the puts it expects before it writes what it has. */
  static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(150);

  private final Jdbc jdbc;
  private final Sql sql;
  private final String channel;
  private final NoticeSeal seal;
  private final long timeoutMillis;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean leading = new AtomicBoolean();
  /** Puts in {@link #queue}; the queue's own size is not constant-time. */
  private final AtomicInteger queued = new AtomicInteger();
  /** Puts the previous commit carried; read and written only by the leader (under {@link #leading}). */
  private int lastBatch = 1;

  WriteCombiner(Jdbc jdbc, Sql sql, String channel, NoticeSeal seal, long timeoutMillis) {
    this.jdbc = jdbc;
    this.sql = sql;
    this.channel = channel;
    this.seal = seal;
    this.timeoutMillis = timeoutMillis;
  }

  /** Stores one value; returns its revision once it has committed. */
  long put(String cache, Write write, String origin) {
    Pending mine = new Pending(cache, write,
        Payloads.single(seal, 'P', cache, write.key(), write.expireAt(), origin, write.value()));
    queue.add(mine);
    queued.incrementAndGet();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!mine.isDone()) {
      if (leading.compareAndSet(false, true)) {
        try {
          flush();
        } finally {
          leading.set(false);
        }
        Pending next = queue.peek();
        if (next != null) {
          next.wake();
        }
      } else if (!mine.await(deadline)) {
        throw new CacheException("storing a value for cache '" + cache + "' did not complete within "
            + timeoutMillis + " ms");
      }
    }
    return mine.result();
  }

  private void flush() {
    gather();
    List<Pending> batch = new ArrayList<>();
    Pending next;
    while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
      queued.decrementAndGet();
      batch.add(next);
    }
    if (batch.isEmpty()) {
      return;
    }
    lastBatch = batch.size();
    try {
      for (List<Pending> round : rounds(batch)) {
        jdbc.run("storing values", null, c -> {
          write(c, round);
          return null;
        });
      }
    } catch (RuntimeException e) {
      batch.forEach(p -> p.fail(e));
    }
  }

  /** Waits, yielding the processor, until as many puts are queued as the previous commit carried. */
  private void gather() {
    if (queued.get() >= lastBatch) {
      return;
    }
    long until = System.nanoTime() + GATHER_NANOS;
    while (queued.get() < lastBatch && System.nanoTime() - until < 0) {
      Thread.yield();
    }
  }

  /** Splits a batch so that no round holds a key twice; later puts of a key go to later rounds. */
  private static List<List<Pending>> rounds(List<Pending> batch) {
    if (batch.size() == 1) {
      return List.of(batch);
    }
    List<List<Pending>> rounds = new ArrayList<>();
    List<Set<String>> seen = new ArrayList<>();
    for (Pending p : batch) {
      String id = p.cache.length() + ":" + p.cache + p.write.key();
      int round = 0;
      while (round < rounds.size() && seen.get(round).contains(id)) {
        round++;
      }
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
        seen.add(new HashSet<>());
      }
      rounds.get(round).add(p);
      seen.get(round).add(id);
    }
    return rounds;
  }

  private void write(Connection c, List<Pending> round) throws SQLException {
    if (round.size() == 1) {
      Pending p = round.get(0);
      try (PreparedStatement ps = c.prepareStatement(sql.put)) {
        ps.setString(1, p.cache);
        ps.setString(2, p.write.key());
        ps.setBytes(3, p.write.value());
        ps.setLong(4, p.write.expireAt());
        ps.setLong(5, p.write.expireAt());
        Payloads.bind(ps, 6, channel, seal, p.payload);
        try (ResultSet rs = ps.executeQuery()) {
          p.complete(rs.next() ? rs.getLong(1) : 0);
        }
      }
      return;
    }
    int n = round.size();
    String[] caches = new String[n];
    String[] keys = new String[n];
    byte[][] values = new byte[n][];
    Long[] expiries = new Long[n];
    String[] heads = new String[n];
    String[] tails = new String[n];
    for (int i = 0; i < n; i++) {
      Pending p = round.get(i);
      caches[i] = p.cache;
      keys[i] = p.write.key();
      values[i] = p.write.value();
      expiries[i] = p.write.expireAt();
      heads[i] = p.payload[0];
      tails[i] = p.payload[1];
    }
    try (PreparedStatement ps = c.prepareStatement(sql.putMany)) {
      ps.setArray(1, c.createArrayOf("text", caches));
      ps.setArray(2, c.createArrayOf("text", keys));
      ps.setArray(3, c.createArrayOf("bytea", values));
      ps.setArray(4, c.createArrayOf("bigint", expiries));
      ps.setArray(5, c.createArrayOf("text", heads));
      ps.setArray(6, c.createArrayOf("text", tails));
      Payloads.bindSeal(ps, 7, channel, seal);
      long[] revs = new long[n];
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          revs[rs.getInt(1) - 1] = rs.getLong(2);
        }
      }
      for (int i = 0; i < n; i++) {
        round.get(i).complete(revs[i]);
      }
    }
  }

  /** One caller's put, and what became of it. */
  private static final class Pending {
    final String cache;
    final Write write;
    final String[] payload;
    /** The thread that called {@code put}: the only one that waits on this put. */
    private final Thread caller = Thread.currentThread();
    /** Written once, by the leader that ran this put, after {@link #rev} or {@link #failure}. */
    private volatile boolean done;
    private volatile boolean woken;
    private long rev;
    private RuntimeException failure;

    Pending(String cache, Write write, String[] payload) {
      this.cache = cache;
      this.write = write;
      this.payload = payload;
    }

    boolean isDone() {
      return done;
    }

    void complete(long revision) {
      rev = revision;
      done = true;
      wakeCaller();
    }

    /** Unparks the caller, unless it is the leader itself (which is running, not parked). */
    private void wakeCaller() {
      if (caller != Thread.currentThread()) {
        LockSupport.unpark(caller);
      }
    }

    /** Fails the put unless it has completed (only the leader that ran it calls this). */
    void fail(RuntimeException e) {
      if (!done) {
        failure = e;
        done = true;
        wakeCaller();
      }
    }

    /** Tells a waiting caller to try to lead; remembered if it is not waiting yet. */
    void wake() {
      woken = true;
      wakeCaller();
    }

    /**
     * Parks the caller until done or woken (a wake-up given before the wait counts); false once the
     * deadline has passed. Parking needs no monitor, so a put allocates none.
     */
    boolean await(long deadlineNanos) {
      while (!done && !woken) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          throw new CacheException("interrupted while storing a value");
        }
      }
      woken = false;
      return true;
    }

    long result() {
      if (failure != null) {
        throw failure;
      }
      return rev;
    }
  }
}
