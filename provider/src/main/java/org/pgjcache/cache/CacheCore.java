package org.pgjcache.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import javax.cache.event.EventType;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.ChangeFeed;
import org.pgjcache.backend.EntryStore;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscription;
import org.pgjcache.codec.CorruptDataException;
import org.pgjcache.codec.KeyCodec;
import org.pgjcache.codec.NotSerializableValueException;
import org.pgjcache.codec.ValueForms;
import org.pgjcache.event.EventBatch;
import org.pgjcache.event.EventDispatcher;
import org.pgjcache.expiry.ExpiryCalculator;
import org.pgjcache.expiry.TouchQueue;
import org.pgjcache.integration.Loader;
import org.pgjcache.integration.Writer;
import org.pgjcache.management.CacheStatistics;
import org.pgjcache.store.Applied;
import org.pgjcache.store.ApplyHook;
import org.pgjcache.store.LocalOnly;
import org.pgjcache.store.Replica;
import org.pgjcache.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of one cache instance that its operations share: backend, codecs, replica, expiry,
 * listeners, statistics, loader and writer; and the one place where a committed change enters the
 * replica and becomes events, whether it was made here or on another node.
 */
final class CacheCore<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(CacheCore.class);

  final String name;
  final Backend backend;

  /** The backend's entries (its {@link Backend#store()}). */
  final EntryStore store;

  /** The backend's incoming changes (its {@link Backend#feed()}). */
  final ChangeFeed feed;

  final KeyCodec keys;
  final ValueForms forms;
  final Replica replica;
  final ExpiryCalculator expiry;
  final EventDispatcher<K, V> events;
  final CacheStatistics stats;

  /** The loader for read-through, null unless the cache reads through. */
  final Loader<K, V> loader;

  /** The loader for {@code loadAll}, which the spec uses even without read-through. */
  final Loader<K, V> allLoader;

  final Writer<K, V> writer;
  final TouchQueue touches;
  private volatile Subscription subscription;

  CacheCore(
      String name,
      Backend backend,
      KeyCodec keys,
      ValueForms forms,
      ExpiryCalculator expiry,
      EventDispatcher<K, V> events,
      CacheStatistics stats,
      Loader<K, V> allLoader,
      boolean readThrough,
      Writer<K, V> writer,
      Replica replica) {
    this.name = name;
    this.replica = replica;
    this.backend = backend;
    this.store = backend.store();
    this.feed = backend.feed();
    this.keys = keys;
    this.forms = forms;
    this.expiry = expiry;
    this.events = events;
    this.stats = stats;
    this.allLoader = allLoader;
    this.loader = readThrough ? allLoader : null;
    this.writer = writer;
    this.touches = new TouchQueue(name, store, this::origin);
  }

  /**
   * Whether a hit needs nothing but the value: statistics are off and the expiry policy is one of
   * JCache's own that never changes an entry's expiry on access.
   */
  boolean plainHits() {
    return !stats.isEnabled() && !expiry.touchesOnAccess();
  }

  void attach(Subscription subscription) {
    this.subscription = subscription;
  }

  Subscription subscription() {
    return subscription;
  }

  String origin() {
    return subscription.origin();
  }

  long now() {
    return store.now();
  }

  String keyText(Object key) {
    return keys.encode(key);
  }

  @SuppressWarnings("unchecked")
  V read(K key, Versioned versioned) {
    try {
      return (V) forms.read(versioned.held());
    } catch (CorruptDataException e) {
      throw new CacheException(
          "cache '"
              + name
              + "': the stored value of key "
              + keyForLog(key)
              + " cannot be decoded ("
              + e.getMessage()
              + "); the entry is unusable until it is"
              + " overwritten or removed",
          e);
    }
  }

  /**
   * The value of a row the backend returned; the replica's own object when it holds the same
   * revision, so store-by-reference callers get back the very instance they put.
   */
  @SuppressWarnings("unchecked")
  V valueOf(K key, Row row) {
    Versioned held = replica.get(key);
    if (held != null && held.rev() == row.rev() && !held.isTombstone()) {
      return read(key, held);
    }
    try {
      return (V) forms.codec().decode(row.value());
    } catch (CorruptDataException e) {
      throw new CacheException(
          "cache '"
              + name
              + "': the stored value of key "
              + keyForLog(key)
              + " cannot be decoded ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * What is held for a key (a value, a tombstone, or null if absent), read from the database first
   * if the replica is bounded and does not hold it.
   */
  Versioned resolve(Object key, long now) {
    return replica.resolve(key, now, this::load);
  }

  /** As {@link #resolve} for many keys, the ones not held read with one query. */
  Map<Object, Versioned> resolveAll(Collection<?> keys, long now) {
    return replica.resolveAll(keys, now, this::loadAll);
  }

  private Replica.Loaded load(Object key) {
    String text;
    try {
      text = keys.encode(key);
    } catch (NotSerializableValueException e) {
      return null; // a key that cannot be stored (store-by-reference): only this node can hold it
    }
    Row row = store.get(name, text);
    return row == null || row.value() == null ? null : loaded(row);
  }

  private Map<Object, Replica.Loaded> loadAll(Collection<Object> wanted) {
    Map<String, Object> byText = new HashMap<>();
    for (Object key : wanted) {
      try {
        byText.put(keys.encode(key), key);
      } catch (NotSerializableValueException e) {
        LOG.trace("cache '{}': a key that cannot be stored is absent from the database", name);
      }
    }
    if (byText.isEmpty()) {
      return Map.of();
    }
    Map<Object, Replica.Loaded> found = new HashMap<>();
    List<String> texts = new ArrayList<>(byText.keySet());
    store
        .getAll(name, texts)
        .forEach(
            (text, row) -> {
              Object key = byText.get(text);
              if (key != null && row.value() != null) {
                found.put(key, loaded(row));
              }
            });
    return found;
  }

  /** A row read from the database as the replica holds it. */
  Replica.Loaded loaded(Row row) {
    return new Replica.Loaded(forms.holdEncoded(row.value()), row.rev(), row.expireAt());
  }

  /**
   * Whether a plain {@code put} or {@code remove} of a key a bounded replica does not hold may skip
   * reading it first: nothing it would learn changes the outcome when no listener waits for an old
   * value and the expiry policy is eternal (created and updated entries alike never expire). Saves
   * a round trip per write of a cold key in the common Spring and Hibernate set-up.
   */
  boolean blindWrites() {
    return !replica.holdsAll()
        && events.isEmpty()
        && expiry.policy().getClass() == javax.cache.expiry.EternalExpiryPolicy.class;
  }

  /**
   * As {@link #live(Object, long, EventBatch)}, without reading a key the replica does not hold.
   */
  Versioned liveIfHeld(K key, long now, EventBatch batch) {
    Versioned held = replica.get(key);
    return held == null ? null : live(key, held, now, batch);
  }

  /**
   * The live entry of a key, or null; an entry found expired is dropped here with an EXPIRED event.
   */
  Versioned live(K key, long now, EventBatch batch) {
    return live(key, resolve(key, now), now, batch);
  }

  /** As above, for what {@link #resolve} or {@link #resolveAll} returned for the key. */
  Versioned live(K key, Versioned held, long now, EventBatch batch) {
    if (held == null || held.isTombstone()) {
      return null;
    }
    if (held.expireAt() > now) {
      return held;
    }
    Versioned touched = touchedElsewhere(key, held, now);
    if (touched != null) {
      return touched;
    }
    replica.dropAt(key, held.rev(), now, hook(EventType.EXPIRED, now, batch));
    return null;
  }

  /**
   * Before an entry of a cache whose policy moves expiry on access is dropped as expired, asks the
   * database whether another node's access moved it (a touch notification this node missed: the
   * heartbeat compares revisions, which a touch keeps). Returns the entry with the database's later
   * instant, or null. Costs one point read per entry found expired, and nothing for other policies.
   */
  private Versioned touchedElsewhere(K key, Versioned held, long now) {
    if (!expiry.touchesOnAccess() || held.held() instanceof LocalOnly) {
      return null;
    }
    try {
      String text = keys.encode(key);
      if (touches.hasPending(text)) {
        return null; // this node's own access set the instant that passed; it is newer than the row
      }
      Row row = store.get(name, text);
      if (row != null
          && row.rev() == held.rev()
          && row.expireAt() > now
          && replica.touch(key, held.rev(), row.expireAt())) {
        Versioned current = replica.get(key);
        return current != null && current.isLive(now) ? current : null;
      }
    } catch (CacheException e) {
      LOG.debug(
          "cache '{}': could not check whether an expired entry was touched elsewhere: {}",
          name,
          e.toString());
    }
    return null;
  }

  /** Applies a new value committed at {@code rev}; raises CREATED or UPDATED if it was news. */
  Applied applyValue(K key, Object held, long rev, long expireAt, long now, EventBatch batch) {
    return applyValue(key, held, rev, expireAt, now, Replica.NEWER, batch);
  }

  /** As above, or over exactly revision {@code over} (see {@link Replica#apply}). */
  Applied applyValue(
      K key, Object held, long rev, long expireAt, long now, long over, EventBatch batch) {
    return applyValue(key, held, rev, expireAt, now, over, null, batch);
  }

  /**
   * As above; {@code seen} is the entry the caller read before it wrote, the old value of the
   * events if a bounded replica no longer holds the key (evicted meanwhile).
   */
  Applied applyValue(
      K key,
      Object held,
      long rev,
      long expireAt,
      long now,
      long over,
      Versioned seen,
      EventBatch batch) {
    Applied applied =
        replica.apply(
            key, held, rev, expireAt, now, over, hook(EventType.REMOVED, now, batch, seen));
    if (expireAt != Row.ETERNAL && applied.applied()) {
      feed.expiryHints().expiresAt(expireAt);
    }
    return applied;
  }

  /**
   * Moves the expiry instant of the entry at exactly {@code rev} (see {@link Replica#touch}) and
   * tells the reaper about the new instant.
   */
  boolean touch(Object key, long rev, long expireAt) {
    boolean moved = replica.touch(key, rev, expireAt);
    if (moved && expireAt != Row.ETERNAL) {
      feed.expiryHints().expiresAt(expireAt);
    }
    return moved;
  }

  /**
   * Holds a value on this node only (store-by-reference of something that cannot be serialized).
   */
  Applied applyLocalOnly(K key, Object value, long expireAt, long now, EventBatch batch) {
    return replica.replaceLocal(
        key, new LocalOnly(value), expireAt, hook(EventType.REMOVED, now, batch));
  }

  /** Applies a removal committed at {@code rev}; raises {@code type} if a live value went away. */
  Applied applyRemoval(K key, long rev, EventType type, long now, EventBatch batch) {
    return applyRemoval(key, rev, type, now, Replica.NEWER, batch);
  }

  /** As above, or over exactly revision {@code over} (see {@link Replica#apply}). */
  Applied applyRemoval(K key, long rev, EventType type, long now, long over, EventBatch batch) {
    return applyRemoval(key, rev, type, now, over, null, batch);
  }

  /** As above, with the entry the caller read before (see {@link #applyValue}). */
  Applied applyRemoval(
      K key, long rev, EventType type, long now, long over, Versioned seen, EventBatch batch) {
    return replica.apply(key, null, rev, Row.ETERNAL, now, over, hook(type, now, batch, seen));
  }

  /** The hook that raises REMOVED for entries dropped by reconciliation. */
  ApplyHook removalHook(long now, EventBatch batch) {
    return hook(EventType.REMOVED, now, batch);
  }

  private ApplyHook hook(EventType removalType, long now, EventBatch batch) {
    return hook(removalType, now, batch, null);
  }

  private ApplyHook hook(EventType removalType, long now, EventBatch batch, Versioned seen) {
    if (events.isEmpty()) {
      return ApplyHook.NONE;
    }
    return (k, applied) -> publish(k, applied.assuming(seen), removalType, now, batch);
  }

  @SuppressWarnings("unchecked")
  private void publish(
      Object k, Applied applied, EventType removalType, long now, EventBatch batch) {
    K key = (K) k;
    Versioned previous = applied.previous();
    Versioned current = applied.current();
    boolean hadValue = applied.hadValue();
    boolean wasLive = hadValue && previous.expireAt() > now;
    if (!applied.previousKnown()) {
      // a bounded replica that does not hold the key: a removal is news (the database removes only
      // live entries), its old value unknown; a value is reported as created
      if (current.isTombstone()) {
        events.publish(removalType, key, null, null, batch);
      } else {
        events.publish(EventType.CREATED, key, readLenient(key, current), null, batch);
      }
      return;
    }
    if (current.isTombstone()) {
      if (hadValue) {
        V old = readLenient(key, previous);
        events.publish(wasLive ? removalType : EventType.EXPIRED, key, old, old, batch);
      }
      return;
    }
    if (hadValue && !wasLive) {
      V old = readLenient(key, previous);
      events.publish(EventType.EXPIRED, key, old, old, batch);
    }
    if (wasLive) {
      events.publish(
          EventType.UPDATED, key, readLenient(key, current), readLenient(key, previous), batch);
    } else {
      events.publish(EventType.CREATED, key, readLenient(key, current), null, batch);
    }
  }

  /**
   * A value for an event or an iteration: a value that cannot be decoded (a corrupt row) does not
   * fail the change that the event reports, which has committed, nor the iteration over other keys;
   * the event carries {@code null} in its place (an iteration skips the entry), and the key is
   * logged (once per revision) and counted.
   */
  @SuppressWarnings("unchecked")
  V readLenient(K key, Versioned versioned) {
    try {
      return (V) forms.read(versioned.held());
    } catch (CorruptDataException e) {
      noteCorrupt(key, versioned.rev(), e);
      return null;
    }
  }

  /**
   * The value of a row an atomic operation read, or null if it cannot be decoded (logged and
   * counted as in {@link #readLenient}): the operation then sees the key as absent (a processor may
   * overwrite it) or as not equal to an expected value, and never fails for the corrupt value.
   */
  V valueOrNull(K key, Row row) {
    try {
      return valueOf(key, row);
    } catch (CacheException e) {
      noteCorrupt(key, row.rev(), e);
      return null;
    }
  }

  private void noteCorrupt(K key, long rev, RuntimeException e) {
    corruptValues.incrementAndGet();
    if (lastCorrupt.size() > 1000) {
      lastCorrupt.clear();
    }
    Long logged = lastCorrupt.put(key, rev);
    if (logged == null || logged != rev) {
      LOG.warn(
          "cache '{}': the stored value of key {} at revision {} cannot be decoded ({}); it"
              + " counts as absent or null where it would be read",
          name,
          keyForLog(key),
          rev,
          e.getMessage());
    }
  }

  /** Values that could not be decoded for an event (see {@link #readLenient}). */
  long corruptValues() {
    return corruptValues.get();
  }

  private final AtomicLong corruptValues = new AtomicLong();

  /** The revision last logged per corrupt key, so each is logged once (bounded). */
  private final Map<Object, Long> lastCorrupt = new ConcurrentHashMap<>();

  /** A key as a log line shows it: its stored text, escaped, at most 80 characters. */
  String keyForLog(Object key) {
    String text;
    try {
      text = keys.encode(key);
    } catch (RuntimeException e) {
      text = String.valueOf(key);
    }
    StringBuilder out = new StringBuilder("'");
    for (int i = 0; i < text.length() && i < 80; i++) {
      char ch = text.charAt(i);
      if (ch < 0x20 || ch > 0x7e || ch == '\'' || ch == '\\') {
        out.append(String.format("\\u%04x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return out.append(text.length() > 80 ? "...'" : "'").toString();
  }
}
