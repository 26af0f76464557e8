package org.pgjcache.backend.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeFeed;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.EntryStore;
import org.pgjcache.backend.ExpiryHints;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Mutator;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.backend.Subscription;
import org.pgjcache.backend.Write;
import org.pgjcache.sync.BucketSums;
import org.pgjcache.sync.Checksums;
import org.pgjcache.sync.Coordination;
import org.pgjcache.sync.NodeBeat;
import org.pgjcache.sync.RevisionSums;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps rows in maps and announces changes on one dispatcher thread, in the order they were made:
 * the PostgreSQL backend's contract without a database. Cache managers in one JVM that name the
 * same memory store see the same entries and each other's events, as nodes on one database would.
 */
public final class MemoryBackend implements Backend, EntryStore, ChangeFeed, Coordination {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryBackend.class);
  private static final int STRIPES = 256;

  private final String name;
  private final Map<String, Map<String, Row>> caches = new ConcurrentHashMap<>();
  private final AtomicLong revisions = new AtomicLong();
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final Subscribers subscribers = new Subscribers(UUID.randomUUID().toString());
  private final BlockingQueue<Runnable> announcements = new LinkedBlockingQueue<>();
  private final Thread dispatcher;
  private volatile boolean closed;

  public MemoryBackend(String name) {
    this.name = name;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    dispatcher = new Thread(this::dispatch, "pgjcache-memory-" + name);
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  @Override
  public String describe() {
    return "memory " + name;
  }

  @Override
  public EntryStore store() {
    return this;
  }

  @Override
  public ChangeFeed feed() {
    return this;
  }

  /** Its coordination (reaper role, heartbeat, node table): itself, as with the other parts. */
  public Coordination coordination() {
    return this;
  }

  @Override
  public long now() {
    return System.currentTimeMillis();
  }

  @Override
  public void ensureCache(String cache) {
    rows(cache);
  }

  @Override
  public Subscription subscribe(String cache, ChangeListener listener) {
    return fencedSubscribe(cache, listener);
  }

  private Map<String, Row> rows(String cache) {
    return caches.computeIfAbsent(cache, c -> new ConcurrentHashMap<>());
  }

  private ReentrantLock lock(String cache, String key) {
    return locks[(cache.hashCode() * 31 + key.hashCode()) & (STRIPES - 1)];
  }

  @Override
  public Row get(String cache, String key) {
    return rows(cache).get(key);
  }

  @Override
  public Map<String, Row> getAll(String cache, Collection<String> keys) {
    Map<String, Row> rows = rows(cache);
    Map<String, Row> found = new HashMap<>();
    for (String key : keys) {
      Row row = rows.get(key);
      if (row != null) {
        found.put(key, row);
      }
    }
    return found;
  }

  @Override
  public void scan(String cache, Consumer<Row> sink) {
    new ArrayList<>(rows(cache).values()).forEach(sink);
  }

  @Override
  public long put(String cache, Write write, String origin) {
    ReentrantLock lock = lock(cache, write.key());
    lock.lock();
    try {
      return store(cache, write.key(), write.value(), write.expireAt(), origin);
    } finally {
      lock.unlock();
    }
  }

  private long store(String cache, String key, byte[] value, long expireAt, String origin) {
    long rev = revisions.incrementAndGet();
    Row before = rows(cache).put(key, new Row(key, value, rev, expireAt));
    announce(cache, new Change(Op.PUT, key, rev, value, expireAt, priorOf(key, before)), origin);
    return rev;
  }

  @Override
  public long[] putAll(String cache, List<Write> writes, String origin) {
    long[] revs = new long[writes.size()];
    for (int i = 0; i < revs.length; i++) {
      revs[i] = put(cache, writes.get(i), origin);
    }
    return revs;
  }

  @Override
  public long remove(String cache, String key, String origin) {
    ReentrantLock lock = lock(cache, key);
    lock.lock();
    try {
      Row row = rows(cache).get(key);
      if (row == null || row.expiredAt(now())) {
        return 0;
      }
      return delete(cache, key, Op.REMOVE, origin);
    } finally {
      lock.unlock();
    }
  }

  private long delete(String cache, String key, Op op, String origin) {
    long rev = revisions.incrementAndGet();
    Row before = rows(cache).remove(key);
    announce(cache, new Change(op, key, rev, null, Row.ETERNAL, priorOf(key, before)), origin);
    return rev;
  }

  @Override
  public long[] removeAll(String cache, List<String> keys, String origin) {
    long[] revs = new long[keys.size()];
    for (int i = 0; i < revs.length; i++) {
      revs[i] = remove(cache, keys.get(i), origin);
    }
    return revs;
  }

  private static Row priorOf(String key, Row before) {
    return before == null ? Change.none(key) : before;
  }

  @Override
  public void touch(String cache, String key, long rev, long expireAt, String origin) {
    mutate(
        cache,
        key,
        origin,
        row -> row != null && row.rev() == rev ? Mutation.touch(expireAt) : Mutation.NONE);
  }

  @Override
  public long clear(String cache, String origin) {
    long rev = revisions.incrementAndGet();
    rows(cache).clear();
    announce(cache, new Change(Op.CLEAR, null, rev, null, Row.ETERNAL), origin);
    return rev;
  }

  @Override
  public MutationResult mutate(String cache, String key, String origin, Mutator mutator) {
    ReentrantLock lock = lock(cache, key);
    lock.lock();
    try {
      Row before = rows(cache).get(key);
      Mutation mutation = mutator.decide(before);
      long rev = 0;
      if (mutation instanceof Mutation.Put put) {
        rev = store(cache, key, put.value(), put.expireAt(), origin);
      } else if (mutation instanceof Mutation.Remove remove && before != null) {
        rev = delete(cache, key, remove.op(), origin);
      } else if (mutation instanceof Mutation.Touch touch && before != null) {
        rev = before.rev();
        rows(cache).put(key, new Row(key, before.value(), rev, touch.expireAt()));
        announce(cache, new Change(Op.TOUCH, key, rev, null, touch.expireAt()), origin);
      }
      return new MutationResult(before, mutation, rev);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void destroy(String cache, String origin) {
    long rev = revisions.incrementAndGet();
    caches.remove(cache);
    announce(cache, new Change(Op.DESTROY, null, rev, null, Row.ETERNAL), origin);
  }

  private void announce(String cache, Change change, String origin) {
    if (subscribers.has(cache)) {
      announcements.add(() -> subscribers.deliver(cache, change, origin));
    }
  }

  private void dispatch() {
    while (!closed || !announcements.isEmpty()) {
      try {
        Runnable next = announcements.poll(100, TimeUnit.MILLISECONDS);
        if (next != null) {
          next.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("memory backend '{}' failed to deliver a change", name, e);
      }
    }
  }

  private final ExpiryHints expiryHints = new ExpiryHints();

  @Override
  public ExpiryHints expiryHints() {
    return expiryHints;
  }

  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    try {
      dispatcher.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- expiry (reaper) ---

  private final ReentrantLock reaperRole = new ReentrantLock();

  /** Expires due entries one by one under their key's lock; every subscriber hears of each. */
  @Override
  public int expireDue(int limit) {
    if (!reaperRole.tryLock()) {
      return -1;
    }
    try {
      String origin = subscribers.nodeId() + ".reaper";
      long now = now();
      int expired = 0;
      for (Map.Entry<String, Map<String, Row>> cache : caches.entrySet()) {
        for (Row row : new ArrayList<>(cache.getValue().values())) {
          if (expired >= limit) {
            return expired;
          }
          if (row.expiredAt(now) && expireIfDue(cache.getKey(), row.key(), now, origin)) {
            expired++;
          }
        }
      }
      return expired;
    } finally {
      reaperRole.unlock();
    }
  }

  private boolean expireIfDue(String cache, String key, long now, String origin) {
    ReentrantLock lock = lock(cache, key);
    lock.lock();
    try {
      Map<String, Row> rows = caches.get(cache);
      Row row = rows == null ? null : rows.get(key);
      if (row == null || !row.expiredAt(now)) {
        return false;
      }
      delete(cache, key, Op.EXPIRE, origin);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Nothing to purge: this backend forgets a removed key at once, its revisions come from one
   * counter.
   */
  @Override
  public int purgeTombstones(long retentionMillis, int limit) {
    return 0;
  }

  // --- sync (heartbeat, reconciliation) ---

  private final Map<String, NodeBeat> nodes = new ConcurrentHashMap<>();

  @Override
  public Map<String, RevisionSums> revisionSums(Collection<String> names) {
    Map<String, RevisionSums> result = new HashMap<>();
    for (String cache : names) {
      long count = 0;
      long sum = 0;
      for (Row row : new ArrayList<>(rows(cache).values())) {
        count++;
        sum += Checksums.revisionHash(row.rev());
      }
      result.put(cache, new RevisionSums(count, sum));
    }
    return result;
  }

  @Override
  public Map<String, BucketSums> checksums(Collection<String> names) {
    Map<String, BucketSums> result = new HashMap<>();
    for (String cache : names) {
      long[] counts = new long[Checksums.BUCKETS];
      long[] sums = new long[Checksums.BUCKETS];
      for (Row row : new ArrayList<>(rows(cache).values())) {
        int bucket = Checksums.bucket(row.key());
        counts[bucket]++;
        sums[bucket] += Checksums.hash(row.key(), row.rev());
      }
      result.put(cache, new BucketSums(counts, sums));
    }
    return result;
  }

  @Override
  public Map<String, Long> revisionsInBuckets(String cache, int[] buckets) {
    boolean[] wanted = new boolean[Checksums.BUCKETS];
    for (int bucket : buckets) {
      wanted[bucket] = true;
    }
    Map<String, Long> found = new HashMap<>();
    for (Row row : new ArrayList<>(rows(cache).values())) {
      if (wanted[Checksums.bucket(row.key())]) {
        found.put(row.key(), row.rev());
      }
    }
    return found;
  }

  @Override
  public Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys) {
    return getAll(cache, keys);
  }

  @Override
  public void recordNode(NodeBeat beat, Duration staleAfter) {
    nodes.put(beat.nodeId(), beat);
  }

  @Override
  public void removeNode(String nodeId) {
    nodes.remove(nodeId);
  }

  /** The nodes that recorded a heartbeat and have not closed, by id. */
  public Map<String, NodeBeat> nodes() {
    return Map.copyOf(nodes);
  }

  /**
   * Attaches a cache instance that hears only announcements queued after it attached: those queued
   * before were made before it loads its entries (see {@link Subscribers#addFenced}).
   */
  private Subscription fencedSubscribe(String cache, ChangeListener listener) {
    if (Thread.currentThread() == dispatcher) {
      return subscribers.add(cache, listener);
    }
    Subscription subscription = subscribers.addFenced(cache, listener);
    CountDownLatch passed = new CountDownLatch(1);
    announcements.add(
        () -> {
          subscribers.open(subscription);
          passed.countDown();
        });
    try {
      if (!passed.await(5, TimeUnit.SECONDS)) {
        LOG.warn(
            "memory backend '{}': announcements are 5 s behind; cache '{}' listens anyway",
            name,
            cache);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      subscribers.open(subscription);
    }
    return subscription;
  }
}
