package org.pgjcache.bench.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.Data;
import org.pgjcache.bench.peers.PgjcachePeer;
import org.pgjcache.cache.PgCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workload 6: what the replica costs per entry beyond its key and value, for 1,000,000 entries, and
 * how long a new node takes to attach a cache of 100,000 entries. Writes {@code memory.json}.
 *
 * <p>Bytes per entry are heap differences after full collections. On the writing node the replica
 * holds the very key and value objects the caller passed (immutable types are not copied), and
 * those objects are kept alive by this program throughout, so the difference is pure overhead. A
 * node that attaches decodes keys and values of its own; its figure includes them, and the size of
 * the data alone (measured the same way) is subtracted. Caffeine's JCache and a plain {@code
 * ConcurrentHashMap} are measured the same way for scale, and so are a bounded replica (a writing
 * node with {@code max-entries} as large as the cache, so that it holds every entry: the overhead
 * of the bounded tier) and Caffeine's own bounded cache ({@code maximumSize}).
 */
public final class ReplicaMemory {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaMemory.class);
  private static final int CHUNK = 10_000;

  private ReplicaMemory() {}

  public static void main(String[] args) throws Exception {
    Path results = Path.of(args.length > 0 ? args[0] : "results");
    boolean quick = List.of(args).contains("-quick");
    int entries = quick ? 100_000 : 1_000_000;
    int attach = quick ? 20_000 : 100_000;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entries", entries);

    long before = Heap.usedAfterGc();
    Long[] keys = Data.keys(entries);
    String[] values = new String[entries];
    for (int i = 0; i < entries; i++) {
      values[i] = Data.value("v" + i);
    }
    long data = Heap.usedAfterGc() - before - 2 * Heap.referenceArray(entries);
    double dataPerEntry = (double) data / entries;
    out.put("keyAndValueBytesPerEntry", dataPerEntry);
    LOG.info("key + value: {} bytes per entry", String.format("%.1f", dataPerEntry));

    out.put("concurrentHashMapOverheadBytesPerEntry", plainMap(keys, values));
    out.put("caffeineOverheadBytesPerEntry", caffeine(keys, values));

    BenchDatabase db = BenchDatabase.fresh("memory");
    MutableConfiguration<Long, String> config =
        new MutableConfiguration<Long, String>().setTypes(Long.class, String.class);
    CacheManager writer = PgjcachePeer.node(PgjcachePeer.properties(db), "writer");
    Cache<Long, String> written = writer.createCache("replica", config);
    long empty = Heap.usedAfterGc();
    fill(written, keys, values, entries);
    double writerOverhead = (double) (Heap.usedAfterGc() - empty) / entries;
    out.put("pgjcacheWriterOverheadBytesPerEntry", writerOverhead);
    LOG.info(
        "pgjcache writer node: {} bytes per entry beyond key and value",
        String.format("%.1f", writerOverhead));
    writer.close();

    out.put("caffeineBoundedOverheadBytesPerEntry", caffeineBounded(keys, values));
    Properties bounded = PgjcachePeer.properties(db);
    bounded.setProperty("pgjcache.max-entries", Integer.toString(entries));
    CacheManager boundedWriter = PgjcachePeer.node(bounded, "bounded-writer");
    Cache<Long, String> boundedCache = boundedWriter.createCache("bounded", config);
    long boundedEmpty = Heap.usedAfterGc();
    fill(boundedCache, keys, values, entries);
    double boundedOverhead = (double) (Heap.usedAfterGc() - boundedEmpty) / entries;
    long held = boundedCache.unwrap(PgCache.class).localTier().size();
    out.put("pgjcacheBoundedWriterOverheadBytesPerEntry", boundedOverhead);
    out.put("pgjcacheBoundedWriterHeld", held);
    LOG.info(
        "pgjcache bounded writer node (max-entries={}, {} held): {} bytes per entry beyond key"
            + " and value",
        entries,
        held,
        String.format("%.1f", boundedOverhead));
    boundedWriter.destroyCache("bounded");
    boundedWriter.close();

    CacheManager reader = PgjcachePeer.node(PgjcachePeer.properties(db), "reader");
    reader.createCache("warm-up", config);
    long readerEmpty = Heap.usedAfterGc();
    long t0 = System.nanoTime();
    reader.createCache("replica", config);
    double attachAllMillis = (System.nanoTime() - t0) / 1e6;
    double attachedTotal = (double) (Heap.usedAfterGc() - readerEmpty) / entries;
    out.put("pgjcacheAttachedNodeBytesPerEntry", attachedTotal);
    out.put("pgjcacheAttachedNodeOverheadBytesPerEntry", attachedTotal - dataPerEntry);
    out.put("attachMillisAllEntries", attachAllMillis);
    LOG.info(
        "pgjcache attached node: {} bytes per entry in all, {} beyond key and value;"
            + " attached {} entries in {} ms",
        String.format("%.1f", attachedTotal),
        String.format("%.1f", attachedTotal - dataPerEntry),
        entries,
        String.format("%.0f", attachAllMillis));
    reader.destroyCache("replica");
    reader.close();

    out.put("attachEntries", attach);
    out.put("attachMillis", attachTimes(db, config, keys, values, attach));
    Files.createDirectories(results);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(results.resolve("memory.json").toFile(), out);
    LOG.info("{}", out);
    // keys and values stay reachable until here, so the heap differences above exclude them
    LOG.debug("{} {}", keys.length, values.length);
    System.exit(0);
  }

  private static void fill(Cache<Long, String> cache, Long[] keys, String[] values, int count) {
    for (int from = 0; from < count; from += CHUNK) {
      cache.putAll(Data.map(keys, values, from, Math.min(CHUNK, count - from)));
    }
  }

  private static double plainMap(Long[] keys, String[] values) {
    long before = Heap.usedAfterGc();
    ConcurrentHashMap<Long, String> map = new ConcurrentHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      map.put(keys[i], values[i]);
    }
    double overhead = (double) (Heap.usedAfterGc() - before) / keys.length;
    LOG.info(
        "ConcurrentHashMap: {} bytes per entry beyond key and value ({} entries)",
        String.format("%.1f", overhead),
        map.size());
    return overhead;
  }

  /** Caffeine's own bounded cache ({@code maximumSize}) holding every entry, for scale. */
  private static double caffeineBounded(Long[] keys, String[] values) {
    long before = Heap.usedAfterGc();
    com.github.benmanes.caffeine.cache.Cache<Long, String> cache =
        Caffeine.newBuilder().maximumSize(keys.length).build();
    for (int i = 0; i < keys.length; i++) {
      cache.put(keys[i], values[i]);
    }
    cache.cleanUp();
    double overhead = (double) (Heap.usedAfterGc() - before) / keys.length;
    LOG.info(
        "Caffeine maximumSize({}): {} bytes per entry beyond key and value ({} entries)",
        keys.length,
        String.format("%.1f", overhead),
        cache.estimatedSize());
    return overhead;
  }

  private static double caffeine(Long[] keys, String[] values) {
    CachingProvider provider =
        Caching.getCachingProvider(
            "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider");
    CacheManager manager =
        provider.getCacheManager(provider.getDefaultURI(), ReplicaMemory.class.getClassLoader());
    try {
      Cache<Long, String> cache =
          manager.createCache(
              "memory",
              new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
      long before = Heap.usedAfterGc();
      fill(cache, keys, values, keys.length);
      double overhead = (double) (Heap.usedAfterGc() - before) / keys.length;
      LOG.info(
          "Caffeine JCache: {} bytes per entry beyond key and value",
          String.format("%.1f", overhead));
      manager.destroyCache("memory");
      return overhead;
    } finally {
      manager.close();
    }
  }

  /** Times {@code createCache} on fresh nodes (their pool and LISTEN connection already open). */
  private static Map<String, Object> attachTimes(
      BenchDatabase db,
      MutableConfiguration<Long, String> config,
      Long[] keys,
      String[] values,
      int count) {
    CacheManager writer = PgjcachePeer.node(PgjcachePeer.properties(db), "attach-writer");
    fill(writer.createCache("attach", config), keys, values, count);
    List<Double> times = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      CacheManager node = PgjcachePeer.node(PgjcachePeer.properties(db), "attach-" + round);
      try {
        node.createCache("warm-up", config);
        long t0 = System.nanoTime();
        Cache<Long, String> cache = node.createCache("attach", config);
        times.add((System.nanoTime() - t0) / 1e6);
        if (cache.get(keys[count - 1]) == null) {
          throw new IllegalStateException("the attached cache lacks entries");
        }
      } finally {
        node.close();
      }
    }
    writer.close();
    double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rounds", times);
    out.put("min", sorted[0]);
    out.put("median", sorted[sorted.length / 2]);
    LOG.info(
        "attaching {} entries: {} ms (median of {}), runs {}",
        count,
        String.format("%.0f", sorted[sorted.length / 2]),
        times.size(),
        Arrays.toString(sorted));
    return out;
  }
}
