package org.pgjcache.backend;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache instances attached to one backend, by cache name, and the delivery of a change to all
 * of them but its origin. Shared by every backend implementation so that delivery rules are the
 * same.
 */
public final class Subscribers {

  private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);

  private final String nodeId;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, List<Entry>> byCache = new ConcurrentHashMap<>();

  public Subscribers(String nodeId) {
    this.nodeId = nodeId;
  }

  /** The random identity of this backend instance, the prefix of all its origins. */
  public String nodeId() {
    return nodeId;
  }

  public Subscription add(String cache, ChangeListener listener) {
    Entry entry = new Entry(cache, nodeId + "." + sequence.incrementAndGet(), listener);
    byCache.computeIfAbsent(cache, c -> new CopyOnWriteArrayList<>()).add(entry);
    return entry;
  }

  public boolean has(String cache) {
    List<Entry> entries = byCache.get(cache);
    return entries != null && !entries.isEmpty();
  }

  /** Whether some subscriber of {@code cache} other than {@code origin} exists. */
  public boolean hasOtherThan(String cache, String origin) {
    List<Entry> entries = byCache.get(cache);
    if (entries == null) {
      return false;
    }
    for (Entry entry : entries) {
      if (!entry.origin.equals(origin)) {
        return true;
      }
    }
    return false;
  }

  /** Tells the subscribers of one cache that they may have missed changes. */
  public void gap(String cache) {
    List<Entry> entries = byCache.get(cache);
    if (entries != null) {
      entries.forEach(Entry::gap);
    }
  }

  /**
   * Tells the subscribers of {@code cache} other than {@code origin} that it compared the cache
   * with the database and, from {@code repairedFrom} if above 0, repaired rows they probably missed
   * too (see {@link ChangeListener#onComparedElsewhere}).
   */
  public void comparedElsewhere(String cache, String origin, long repairedFrom, boolean whole) {
    List<Entry> entries = byCache.get(cache);
    if (entries == null) {
      return;
    }
    for (Entry entry : entries) {
      if (!entry.origin.equals(origin)) {
        try {
          entry.listener.onComparedElsewhere(repairedFrom, whole);
        } catch (RuntimeException e) {
          LOG.error("cache '{}' failed to start a comparison of its changes", cache, e);
        }
      }
    }
  }

  public Iterable<String> caches() {
    return byCache.keySet();
  }

  /** Delivers a change to every subscriber of {@code cache} except {@code origin}. */
  public void deliver(String cache, Change change, String origin) {
    List<Entry> entries = byCache.get(cache);
    if (entries == null) {
      return;
    }
    for (Entry entry : entries) {
      if (entry.receiving && !entry.origin.equals(origin)) {
        try {
          entry.listener.onChange(change);
        } catch (RuntimeException e) {
          LOG.error(
              "cache '{}' failed to apply change {} of key {}; it will be repaired by the next"
                  + " reconciliation",
              cache,
              change.op(),
              change.key(),
              e);
        }
      }
    }
  }

  /**
   * Delivers a change to the subscriber {@code origin} of {@code cache} only: a change it made
   * itself but whose caller stopped waiting before it committed, so that it would otherwise never
   * hear of it.
   */
  public void deliverTo(String cache, Change change, String origin) {
    List<Entry> entries = byCache.get(cache);
    if (entries == null) {
      return;
    }
    for (Entry entry : entries) {
      if (entry.origin.equals(origin)) {
        try {
          entry.listener.onChange(change);
        } catch (RuntimeException e) {
          LOG.error(
              "cache '{}' failed to apply its own change {} of key {}; it will be repaired by the"
                  + " next reconciliation",
              cache,
              change.op(),
              change.key(),
              e);
        }
      }
    }
  }

  /** Tells every subscriber that it may have missed changes. */
  public void gapAll() {
    byCache.values().forEach(list -> list.forEach(Entry::gap));
  }

  public boolean isEmpty() {
    return byCache.values().stream().allMatch(List::isEmpty);
  }

  private final class Entry implements Subscription {
    final String cache;
    final String origin;
    final ChangeListener listener;

    /** False while a new subscriber waits for its fence (see {@link #addFenced}). */
    volatile boolean receiving = true;

    Entry(String cache, String origin, ChangeListener listener) {
      this.cache = cache;
      this.origin = origin;
      this.listener = listener;
    }

    void gap() {
      try {
        listener.onPossibleGap();
      } catch (RuntimeException e) {
        LOG.error("cache '{}' failed to start a reconciliation", cache, e);
      }
    }

    @Override
    public String origin() {
      return origin;
    }

    @Override
    public void close() {
      List<Entry> entries = byCache.get(cache);
      if (entries != null) {
        entries.remove(this);
      }
    }
  }

  // --- sync (heartbeat, reconciliation) ---

  /**
   * Attaches a subscriber that hears nothing until {@link #open} is called. A backend opens it when
   * a fence it sent after attaching comes back through its notification stream: every change
   * delivered before the fence was committed before the subscriber's cache loads its entries, so it
   * is either already in what it loads or older than it; delivering it would only let a late change
   * of a destroyed or cleared cache resurrect an entry in a freshly loaded one.
   */
  public Subscription addFenced(String cache, ChangeListener listener) {
    Entry entry = new Entry(cache, nodeId + "." + sequence.incrementAndGet(), listener);
    entry.receiving = false;
    byCache.computeIfAbsent(cache, c -> new CopyOnWriteArrayList<>()).add(entry);
    return entry;
  }

  /** Lets a fenced subscriber hear changes from now on; called where changes are delivered. */
  public void open(Subscription subscription) {
    ((Entry) subscription).receiving = true;
  }
}
