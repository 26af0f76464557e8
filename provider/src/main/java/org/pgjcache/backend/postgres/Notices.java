package org.pgjcache.backend.postgres;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.codec.CorruptDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns notification payloads into {@link Change}s for the subscribed caches, fetching what did not fit
 * into the payload (large values, batches). A payload that cannot be parsed is logged, counted and
 * skipped; the feed goes on.
 */
final class Notices {

  private static final Logger LOG = LoggerFactory.getLogger(Notices.class);

  private final PostgresBackend backend;
  private final Subscribers subscribers;
  private final AtomicLong corrupt = new AtomicLong();

  Notices(PostgresBackend backend, Subscribers subscribers) {
    this.backend = backend;
    this.subscribers = subscribers;
    this.fences = new Fences(subscribers);
  }

  long corrupt() {
    return corrupt.get();
  }

  void accept(String payload) {
    dispatcher = Thread.currentThread();
    Payloads.Notice notice;
    try {
      notice = Payloads.parse(payload);
    } catch (CorruptDataException e) {
      corrupt.incrementAndGet();
      LOG.warn("skipped a notification that is not pgjcache's: {}", e.getMessage());
      return;
    }
    if (fences.passed(notice) || suppressed) {
      return;
    }
    if (!subscribers.hasOtherThan(notice.cache(), notice.origin())) {
      return;
    }
    try {
      dispatch(notice);
    } catch (RuntimeException e) {
      LOG.warn("could not apply a change of cache '{}'; reconciling it", notice.cache(), e);
      subscribers.gap(notice.cache());
    }
  }

  private void dispatch(Payloads.Notice notice) {
    String cache = notice.cache();
    String origin = notice.origin();
    switch (notice.op()) {
      case 'B':
        List<Row> rows = backend.revisions(cache, notice.rev(), notice.maxRev());
        for (Row row : rows) {
          // the range may hold other writers' changes too: a tombstone says itself what it was (an
          // expiry keeps its expiry instant, a removal has none), whatever the batch's kind
          Op removal = row.expireAt() == Row.ETERNAL ? Op.REMOVE : Op.EXPIRE;
          Change change = row.value() == null
              ? new Change(removal, row.key(), row.rev(), null, Row.ETERNAL)
              : new Change(Op.PUT, row.key(), row.rev(), row.value(), row.expireAt());
          subscribers.deliver(cache, change, origin);
        }
        break;
      case 'G':
        subscribers.gap(cache);
        break;
      case 'P':
        if (notice.value() != null) {
          subscribers.deliver(cache, new Change(Op.PUT, notice.key(), notice.rev(), notice.value(),
              notice.expireAt()), origin);
        } else {
          Row row = backend.get(cache, notice.key());
          if (row != null) {
            subscribers.deliver(cache, new Change(Op.PUT, row.key(), row.rev(), row.value(),
                row.expireAt()), origin);
          }
        }
        break;
      default:
        Op op = Op.ofCode(notice.op());
        subscribers.deliver(cache, new Change(op, notice.key(), notice.rev(), null,
            notice.expireAt()), origin);
        break;
    }
  }

  // --- sync (heartbeat, reconciliation) ---

  private volatile boolean suppressed;
  private volatile Thread dispatcher;
  private final Fences fences;

  Fences fences() {
    return fences;
  }

  /** Whether the calling thread is the one delivering notifications (it must not wait for one). */
  boolean isDispatcher() {
    return Thread.currentThread() == dispatcher;
  }

  /** Test hook: drop every notification unseen, as if the network had lost them. */
  void suppressForTest(boolean suppress) {
    this.suppressed = suppress;
  }
}
