package org.pgjcache.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import javax.cache.event.EventType;
import javax.cache.integration.CompletionListener;
import org.pgjcache.backend.Mutation;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Write;
import org.pgjcache.codec.CorruptDataException;
import org.pgjcache.event.EventBatch;
import org.pgjcache.expiry.ExpiryCalculator;
import org.pgjcache.integration.Writer;
import org.pgjcache.store.Replica;
import org.pgjcache.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on many keys. Writes go to the backend as one statement each ({@code putAll}, {@code
 * removeAll}), not one per entry; loads go through the loader's {@code loadAll}.
 */
final class BulkOps<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(BulkOps.class);

  private final CacheCore<K, V> core;
  private final BiConsumer<K, V> typeCheck;

  BulkOps(CacheCore<K, V> core, BiConsumer<K, V> typeCheck) {
    this.core = core;
    this.typeCheck = typeCheck;
  }

  Map<K, V> getAll(Set<? extends K> keys) {
    if (keys == null) {
      throw new NullPointerException("keys must not be null");
    }
    keys.forEach(Checks::key);
    long start = core.stats.start();
    EventBatch batch = new EventBatch();
    long now = core.now();
    Map<K, V> found = new HashMap<>();
    Set<K> missing = new LinkedHashSet<>();
    Map<Object, Versioned> held = core.resolveAll(keys, now);
    for (K key : keys) {
      Versioned live = core.live(key, held.get(key), now, batch);
      if (live != null) {
        found.put(key, core.read(key, live));
        Access.touch(core, key, live, now);
      } else {
        missing.add(key);
      }
    }
    core.stats.hits(found.size());
    core.stats.misses(missing.size());
    if (core.loader != null && !missing.isEmpty()) {
      Map<K, V> loaded = core.loader.loadAll(missing);
      loaded.forEach(
          (key, value) -> {
            storeLoaded(key, value, false, batch);
            found.put(key, value);
          });
    }
    core.stats.getTime(start);
    batch.fire();
    return found;
  }

  /** Read-through of one missing key: loads it and stores it unless someone stored it meanwhile. */
  V loadOne(K key, EventBatch batch) {
    V value = core.loader.load(key);
    if (value != null) {
      storeLoaded(key, value, false, batch);
    }
    return value;
  }

  /** Stores a loaded value without the writer; {@code replace} says whether it may overwrite. */
  void storeLoaded(K key, V value, boolean replace, EventBatch batch) {
    typeCheck.accept(key, value);
    byte[] bytes = core.forms.codec().encode(value);
    String keyText = core.keyText(key);
    core.touches.flush(keyText);
    MutationResult result =
        core.store.mutate(
            core.name,
            keyText,
            core.origin(),
            row -> {
              long now = core.now();
              boolean live = row != null && !row.expiredAt(now);
              if (live && !replace) {
                return Mutation.NONE;
              }
              long expireAt =
                  live
                      ? ExpiryCalculator.orKeep(core.expiry.forUpdate(now), row.expireAt())
                      : core.expiry.forCreation(now);
              return expireAt <= now ? Mutation.NONE : Mutation.put(bytes, expireAt);
            });
    Applier.apply(core, key, value, result, batch);
  }

  void loadAll(
      Set<? extends K> keys, boolean replace, CompletionListener listener, Executor executor) {
    if (keys == null) {
      throw new NullPointerException("keys must not be null");
    }
    keys.forEach(Checks::key);
    if (core.allLoader == null) {
      if (listener != null) {
        listener.onCompletion();
      }
      return;
    }
    executor.execute(
        () -> {
          try {
            EventBatch batch = new EventBatch();
            Set<K> toLoad = new LinkedHashSet<>();
            long now = core.now();
            Map<Object, Versioned> held = replace ? Map.of() : core.resolveAll(keys, now);
            for (K key : keys) {
              if (replace || core.live(key, held.get(key), now, batch) == null) {
                toLoad.add(key);
              }
            }
            if (!toLoad.isEmpty()) {
              core.allLoader.loadAll(toLoad).forEach((k, v) -> storeLoaded(k, v, replace, batch));
            }
            batch.fire();
            if (listener != null) {
              listener.onCompletion();
            }
          } catch (Exception e) {
            if (listener != null) {
              listener.onException(e);
            }
          }
        });
  }

  void putAll(Map<? extends K, ? extends V> map) {
    if (map == null) {
      throw new NullPointerException("the map must not be null");
    }
    List<PgEntry<K, V>> entries = new ArrayList<>(map.size());
    for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
      Checks.key(e.getKey());
      Checks.value(e.getValue());
      typeCheck.accept(e.getKey(), e.getValue());
      entries.add(new PgEntry<>(e.getKey(), e.getValue()));
    }
    if (entries.isEmpty()) {
      return;
    }
    long start = core.stats.start();
    EventBatch batch = new EventBatch();
    long now = core.now();
    Writer.Batch<PgEntry<K, V>> written =
        core.writer == null ? new Writer.Batch<>(entries, null) : core.writer.writeAll(entries);
    List<PgEntry<K, V>> stored = new ArrayList<>();
    List<Versioned> seen = new ArrayList<>();
    List<Write> writes = new ArrayList<>();
    List<K> keys = new ArrayList<>();
    written.done().forEach(entry -> keys.add(entry.getKey()));
    Map<Object, Versioned> held = core.resolveAll(keys, now);
    for (PgEntry<K, V> entry : written.done()) {
      Versioned live = core.live(entry.getKey(), held.get(entry.getKey()), now, batch);
      long expireAt =
          live != null
              ? ExpiryCalculator.orKeep(core.expiry.forUpdate(now), live.expireAt())
              : core.expiry.forCreation(now);
      if (live == null && expireAt <= now) {
        continue;
      }
      stored.add(entry);
      seen.add(live);
      writes.add(
          new Write(
              core.keyText(entry.getKey()), core.forms.codec().encode(entry.getValue()), expireAt));
    }
    if (!writes.isEmpty()) {
      long[] revs = core.store.putAll(core.name, writes, core.origin());
      int applied = 0;
      for (int i = 0; i < revs.length; i++) {
        PgEntry<K, V> entry = stored.get(i);
        Write write = writes.get(i);
        @SuppressWarnings("unchecked")
        K heldKey = (K) core.forms.copyKey(entry.getKey());
        if (core.applyValue(
                heldKey,
                core.forms.hold(entry.getValue(), write.value()),
                revs[i],
                write.expireAt(),
                now,
                Replica.NEWER,
                seen.get(i),
                batch)
            .applied()) {
          applied++;
        }
      }
      core.stats.puts(applied);
      core.stats.putTime(start);
    }
    fireThenRethrow(batch, written.failure());
  }

  void removeAll(Set<? extends K> keys) {
    if (keys == null) {
      throw new NullPointerException("keys must not be null");
    }
    keys.forEach(Checks::key);
    removeAll(new ArrayList<K>(keys), null);
  }

  /** {@code removeAll()}: every key of the cache, a page at a time over a bounded replica. */
  @SuppressWarnings("unchecked")
  void removeEverything() {
    if (core.replica.holdsAll()) {
      removeAll(allKeys(), null);
      return;
    }
    String after = "";
    List<org.pgjcache.backend.Row> page;
    do {
      page = core.store.page(core.name, after, EntryIterator.PAGE);
      List<K> keys = new ArrayList<>(page.size());
      Map<Object, Versioned> rows = new HashMap<>();
      for (org.pgjcache.backend.Row row : page) {
        after = row.key();
        try {
          K key = (K) core.keys.decode(row.key());
          keys.add(key);
          Versioned held = core.replica.get(key);
          rows.put(
              key,
              held != null && held.rev() >= row.rev()
                  ? held
                  : Versioned.of(core.forms.holdEncoded(row.value()), row.rev(), row.expireAt()));
        } catch (CorruptDataException e) {
          LOG.warn(
              "cache '{}': removeAll() skips a stored key that cannot be decoded: {}",
              core.name,
              e.getMessage());
        }
      }
      removeAll(keys, rows);
    } while (page.size() == EntryIterator.PAGE);
    // values held on this node only (store-by-reference of what cannot be serialized)
    List<K> local = new ArrayList<>();
    core.replica.forEachValue(
        (key, held) -> {
          if (held.held() instanceof org.pgjcache.store.LocalOnly) {
            local.add((K) key);
          }
        });
    if (!local.isEmpty()) {
      removeAll(local, null);
    }
  }

  /**
   * Removes {@code keys}; {@code read} is what the caller read of them (rows of the database), or
   * null to read them here.
   */
  void removeAll(List<K> keys, Map<Object, Versioned> read) {
    long start = core.stats.start();
    EventBatch batch = new EventBatch();
    long now = core.now();
    if (keys.isEmpty()) {
      return;
    }
    core.touches.flush();
    Writer.Batch<K> deleted =
        core.writer == null ? new Writer.Batch<>(keys, null) : core.writer.deleteAll(keys);
    List<K> toRemove = deleted.done();
    if (!toRemove.isEmpty()) {
      List<String> texts = new ArrayList<>(toRemove.size());
      List<Versioned> seen = new ArrayList<>(toRemove.size());
      Map<Object, Versioned> held = read != null ? read : core.resolveAll(toRemove, now);
      for (K key : toRemove) {
        seen.add(core.live(key, held.get(key), now, batch));
        texts.add(core.keyText(key));
      }
      long[] revs = core.store.removeAll(core.name, texts, core.origin());
      int removed = 0;
      for (int i = 0; i < revs.length; i++) {
        if (revs[i] > 0) {
          core.applyRemoval(
              toRemove.get(i), revs[i], EventType.REMOVED, now, Replica.NEWER, seen.get(i), batch);
          removed++;
        }
      }
      core.stats.removals(removed);
      core.stats.removeTime(start);
    }
    fireThenRethrow(batch, deleted.failure());
  }

  /**
   * Every key of the cache for {@code removeAll()}: the live entries in the backend, which this
   * node may not have heard of yet, and the ones this node holds (including values that exist only
   * here).
   */
  @SuppressWarnings("unchecked")
  List<K> allKeys() {
    Set<Object> keys = new LinkedHashSet<>();
    long now = core.now();
    core.store.scan(
        core.name,
        row -> {
          if (!row.expiredAt(now)) {
            try {
              keys.add(core.keys.decode(row.key()));
            } catch (CorruptDataException e) {
              LOG.warn(
                  "cache '{}': removeAll() skips a stored key that cannot be decoded: {}",
                  core.name,
                  e.getMessage());
            }
          }
        });
    keys.addAll(core.replica.keysWithValues());
    List<K> all = new ArrayList<>(keys.size());
    for (Object key : keys) {
      all.add((K) key);
    }
    return all;
  }

  private static void fireThenRethrow(EventBatch batch, RuntimeException failure) {
    if (failure == null) {
      batch.fire();
      return;
    }
    try {
      batch.fire();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    throw failure;
  }
}
