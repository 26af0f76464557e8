package org.pgjcache.bench.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.pgjcache.bench.BenchDatabase;
import org.pgjcache.bench.SqlRows;
import org.pgjcache.bench.peers.PgjcachePeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: attaching a cache of 2,000,000 rows, bounded ({@code max-entries=10000}) against full.
 * For each: the time of {@code createCache} on a node whose pool and LISTEN connection are open,
 * and the heap it retains (difference after full collections) once attached; for the bounded node
 * also once its local tier is full (after reading twice the bound of distinct keys). Writes {@code
 * bounded-attach.json}. The rows are written by SQL ({@link SqlRows}); the full node needs a heap
 * of several hundred MB (the suite runs this with {@code -Xmx6g}).
 *
 * <p>Arguments: {@code RESULTS [-quick]} (quick: 200,000 rows).
 */
public final class BoundedAttach {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedAttach.class);
  private static final int BOUND = 10_000;
  private static final int ROUNDS = 3;

  private BoundedAttach() {}

  public static void main(String[] args) throws Exception {
    Path results = Path.of(args.length > 0 ? args[0] : "results");
    int rows = List.of(args).contains("-quick") ? 200_000 : 2_000_000;
    MutableConfiguration<Long, String> config =
        new MutableConfiguration<Long, String>().setTypes(Long.class, String.class);
    BenchDatabase db = BenchDatabase.fresh("bounded_attach");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("maxEntries", BOUND);
    Properties bounded = PgjcachePeer.properties(db);
    bounded.setProperty("pgjcache.max-entries", Integer.toString(BOUND));
    try (CacheManager writer = PgjcachePeer.node(bounded, "writer")) {
      writer.createCache("big", config);
      long fill = SqlRows.fill(db, "big", rows);
      out.put("fillMillis", fill);
      LOG.info("{} rows written by SQL in {} ms", rows, fill);
    }

    List<Double> times = new ArrayList<>();
    long attachedBytes = 0;
    long fullTierBytes = 0;
    for (int round = 0; round < ROUNDS; round++) {
      try (CacheManager node = PgjcachePeer.node(bounded, "bounded-" + round)) {
        node.createCache("warm-up", config);
        long empty = Heap.usedAfterGc();
        long t0 = System.nanoTime();
        Cache<Long, String> cache = node.createCache("big", config);
        times.add((System.nanoTime() - t0) / 1e6);
        attachedBytes = Heap.usedAfterGc() - empty;
        for (long key = 0; key < 2 * BOUND; key++) {
          check(cache, key * (rows / (2 * BOUND)));
        }
        fullTierBytes = Heap.usedAfterGc() - empty;
      }
    }
    times.sort(null);
    out.put("boundedAttachMillis", times);
    out.put("boundedAttachMedianMillis", times.get(times.size() / 2));
    out.put("boundedAttachedHeapBytes", attachedBytes);
    out.put("boundedFullTierHeapBytes", fullTierBytes);
    LOG.info(
        String.format(
            "bounded: attached %d rows in %.1f ms (median of %d: %s); heap %.1f MB"
                + " attached, %.1f MB with %d entries held",
            rows,
            times.get(times.size() / 2),
            ROUNDS,
            times,
            attachedBytes / 1e6,
            fullTierBytes / 1e6,
            BOUND));

    try (CacheManager node = PgjcachePeer.node(PgjcachePeer.properties(db), "full")) {
      node.createCache("warm-up", config);
      long empty = Heap.usedAfterGc();
      long t0 = System.nanoTime();
      Cache<Long, String> cache = node.createCache("big", config);
      double millis = (System.nanoTime() - t0) / 1e6;
      long bytes = Heap.usedAfterGc() - empty;
      check(cache, rows - 1);
      out.put("fullAttachMillis", millis);
      out.put("fullAttachedHeapBytes", bytes);
      out.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      LOG.info(
          String.format(
              "full: attached %d rows in %.0f ms; heap %.1f MB (max heap %d MB)",
              rows, millis, bytes / 1e6, Runtime.getRuntime().maxMemory() >> 20));
    }
    Files.createDirectories(results);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(results.resolve("bounded-attach.json").toFile(), out);
    LOG.info("{}", out);
    System.exit(0);
  }

  private static void check(Cache<Long, String> cache, long key) {
    if (!SqlRows.value(key).equals(cache.get(key))) {
      throw new IllegalStateException("wrong value for " + key);
    }
  }
}
