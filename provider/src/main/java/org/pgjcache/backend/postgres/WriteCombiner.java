package org.pgjcache.backend.postgres;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.pgjcache.backend.Write;

/**
 * Groups concurrent unconditional puts into shared transactions (group commit).
 *
 * <p>Commits that NOTIFY serialize on one lock inside PostgreSQL, so one commit per put caps a
 * whole cluster at a few thousand puts per second however many threads write. Here the first writer
 * to find no commit in flight becomes the leader: it takes every put queued so far, writes them in
 * one statement (each still announced by its own notification) and one commit, and wakes their
 * callers; writers that arrive meanwhile queue up for the next commit. A lone writer pays nothing
 * but a queue operation.
 *
 * <p>A leader first gathers: when fewer puts are queued than the previous commit carried, it yields
 * the processor for at most {@link #GATHER_NANOS} while the writers that commit just woke queue
 * their next puts. Without it, the leader of a busy cache often started as soon as a few had
 * arrived, and the others waited out a whole commit more (8 writers: 5.9 puts per commit and
 * ~12,000 puts/s, with gathering 7.7 and ~15,000 on 2 cores). The previous commit's size is the
 * measure of concurrency, so a lone writer never waits, and after a burst at most one commit waits
 * in vain. Every put has still committed before its call returns, and puts of one key keep their
 * order (a statement never holds the same key twice; a later put of a key goes in a following
 * commit). Rows are locked in key order, as by every statement that locks several rows, so batches
 * never deadlock with each other or with {@code putAll}, {@code removeAll} and {@code clear}.
 *
 * <p>A put fails only for its own reasons and never waits for another key's row lock: see {@link
 * BatchWriter}. Every put returns or fails within one bound from its call, statement-timeout +
 * connect-timeout ({@link Deadline}): a waiter that becomes leader writes within what is left of
 * its own bound, not a fresh one. A caller that gives up (its deadline passed, or it was
 * interrupted) learns which of two outcomes its put has: taken by no leader yet, it is removed and
 * certainly not stored; already in a statement, it may still commit, and if it does the leader
 * applies it to the caller's node through {@link PutOutcomes}, since the node skips its own
 * notifications. A caller that gives up always passes on a wake-up it may have been given, so no
 * leader hand-off is lost.
 */
final class WriteCombiner {

  private static final int MAX_BATCH = 512;

  /** The longest a leader waits for the puts it expects before it writes what it has. */
  static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(150);

  private final BatchWriter writer;
  private final long boundMillis;
  private final NoticeSeal seal;
  private final Deque<PendingPut> queue = new ConcurrentLinkedDeque<>();
  private final AtomicBoolean leading = new AtomicBoolean();

  /** Puts in {@link #queue} that no leader has taken; the queue's own size is not constant-time. */
  private final AtomicInteger queued = new AtomicInteger();

  /**
   * Puts the previous commit carried; read and written only by the leader (under {@link #leading}).
   */
  private int lastBatch = 1;

  WriteCombiner(
      Jdbc jdbc,
      Sql sql,
      String channel,
      NoticeSeal seal,
      long statementMillis,
      long connectMillis,
      PutOutcomes outcomes) {
    this.seal = seal;
    this.writer =
        new BatchWriter(jdbc, sql, channel, seal, statementMillis, connectMillis, outcomes);
    this.boundMillis = statementMillis + connectMillis;
  }

  /**
   * Stores one value; returns its revision once it has committed, or fails within statement-timeout
   * + connect-timeout of the call.
   */
  long put(String cache, Write write, String origin) {
    PendingPut mine =
        new PendingPut(
            cache,
            write,
            origin,
            Payloads.single(seal, 'P', cache, write.key(), write.expireAt(), origin, write.value()),
            Deadline.after(boundMillis));
    queue.add(mine);
    queued.incrementAndGet();
    while (true) {
      PendingPut.State state = mine.state();
      if (state == PendingPut.State.DONE) {
        return mine.result();
      }
      if (state == PendingPut.State.DIVERTED) {
        return writer.alone(mine);
      }
      if (mine.deadline.passed() || Thread.currentThread().isInterrupted()) {
        RuntimeException gaveUp = giveUp(mine);
        if (gaveUp != null) {
          throw gaveUp;
        }
      } else if (state == PendingPut.State.QUEUED && leading.compareAndSet(false, true)) {
        try {
          flush(mine.deadline);
        } finally {
          leading.set(false);
        }
        handOff();
      } else {
        mine.await();
      }
    }
  }

  /**
   * Gives up on a put whose deadline passed or whose thread was interrupted (the interrupt stays
   * set); returns what to tell the caller, or null if the put finished or was diverted meanwhile.
   */
  private RuntimeException giveUp(PendingPut mine) {
    String why =
        Thread.currentThread().isInterrupted()
            ? "was interrupted"
            : "did not complete within " + writer.bound();
    if (mine.abandon()) {
      queued.decrementAndGet();
      handOff();
      return mine.failure(why + " while it was queued behind other puts; it was not stored", null);
    }
    if (mine.orphan()) {
      return mine.failure(
          why
              + " while it was being written; it may still commit, and if it does"
              + " this node's cache applies it",
          null);
    }
    return null;
  }

  /**
   * Wakes the first queued put so that its caller leads the next commit, dropping abandoned puts on
   * the way; does nothing while a leader is at work (it hands off itself when done).
   */
  private void handOff() {
    PendingPut head;
    while (!leading.get() && (head = queue.peek()) != null) {
      if (head.state() == PendingPut.State.QUEUED) {
        head.wake();
        return;
      }
      queue.remove(head);
    }
  }

  private void flush(Deadline leader) {
    gather();
    List<PendingPut> batch = new ArrayList<>();
    PendingPut next;
    while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
      if (next.take()) {
        queued.decrementAndGet();
        batch.add(next);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    lastBatch = batch.size();
    List<PendingPut> back = writer.write(batch, leader);
    for (int i = back.size() - 1; i >= 0; i--) {
      PendingPut put = back.get(i);
      if (put.requeue()) {
        queued.incrementAndGet();
        queue.offerFirst(put);
      }
    }
  }

  /**
   * Waits, yielding the processor, until as many puts are queued as the previous commit carried.
   */
  private void gather() {
    if (queued.get() >= lastBatch) {
      return;
    }
    long until = System.nanoTime() + GATHER_NANOS;
    while (queued.get() < lastBatch && System.nanoTime() - until < 0) {
      Thread.yield();
    }
  }
}
