package org.pgjcache.cache;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import org.pgjcache.store.Replica.TierStats;

/**
 * The node {@link BoundedHeapTest} runs in a JVM of its own with a small heap: a bounded cache over
 * a table of {@code rows} rows whose key {@code k<i>} holds {@link #value value(i)}. It attaches,
 * reads {@code reads} keys (half uniformly random, half Zipf-like) checking every value, re-reads
 * the hottest {@link #HOT} keys to show they are held (a second pass over them misses nothing),
 * says {@code ready}, waits for {@code check} on stdin (the test has then changed the hot keys and
 * as many never-read keys from another node), waits until every change is seen and heard, iterates
 * the whole cache checking every value, and says {@code done}. Any failure prints {@code failed
 * ...} and exits with 1; an {@code OutOfMemoryError} anywhere ends the JVM with {@code
 * -XX:+ExitOnOutOfMemoryError}'s code. The database comes from {@code HEAP_TEST_URL}, {@code
 * HEAP_TEST_USER} and {@code HEAP_TEST_PASSWORD}.
 */
public final class BoundedHeapNodeMain {

  /**
   * The hottest keys, {@code k0} to {@code k<HOT-1>}; the test changes them and as many cold ones.
   */
  static final int HOT = 500;

  static final String CACHE = "big";
  private static final int THREADS = 4;
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Key to value of every event the listener heard. */
  static final Map<String, String> HEARD = new ConcurrentHashMap<>();

  private BoundedHeapNodeMain() {}

  /** The value of row {@code i} as the test writes it by SQL; 100 characters. */
  static String value(long i) {
    String head = "v" + i + "-";
    return head + "x".repeat(100 - head.length());
  }

  /** The value the test's other node writes over row {@code i}. */
  static String changed(long i) {
    return "changed-" + i;
  }

  /** The first key of the cold range: never read before the test changes it. */
  static long coldFrom(long rows) {
    return rows - HOT;
  }

  /** Records every event. */
  public static final class Listener
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private static void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      for (CacheEntryEvent<? extends String, ? extends String> e : es) {
        HEARD.put(e.getKey(), e.getValue());
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      record(es);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      record(es);
    }
  }

  private static void say(String line) {
    OUT.println(line);
  }

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    int reads = Integer.parseInt(args[1]);
    int maxEntries = Integer.parseInt(args[2]);
    Properties p = new Properties();
    p.setProperty("pgjcache.jdbc-url", System.getenv("HEAP_TEST_URL"));
    p.setProperty("pgjcache.user", System.getenv("HEAP_TEST_USER"));
    String password = System.getenv("HEAP_TEST_PASSWORD");
    if (password != null && !password.isEmpty()) {
      p.setProperty("pgjcache.password", password);
    }
    p.setProperty("pgjcache.node-name", "bounded-heap");
    p.setProperty("pgjcache.shared-backend", "false");
    p.setProperty("pgjcache.max-entries", Integer.toString(maxEntries));
    try (CacheManager manager =
        Caching.getCachingProvider()
            .getCacheManager(
                URI.create("pgjcache:bounded-heap"),
                BoundedHeapNodeMain.class.getClassLoader(),
                p)) {
      long t0 = System.nanoTime();
      Cache<String, String> cache =
          manager.createCache(
              CACHE,
              new MutableConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .addCacheEntryListenerConfiguration(
                      new MutableCacheEntryListenerConfiguration<>(
                          FactoryBuilder.factoryOf(Listener.class), null, true, false)));
      say("attached " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      PgCache<?, ?> pg = cache.unwrap(PgCache.class);

      long wrong = read(cache, rows, reads);
      if (wrong > 0) {
        fail(wrong + " of " + reads + " reads returned a wrong value");
      }
      TierStats afterReads = pg.localTier();
      say("read " + reads + " " + afterReads);
      for (int i = 0; i < HOT; i++) {
        cache.get("k" + i);
      }
      long before = pg.localTier().misses();
      for (int i = 0; i < HOT; i++) {
        cache.get("k" + i);
      }
      long coldReads = pg.localTier().misses() - before;
      if (coldReads > 0) {
        fail("the hottest keys are not held: " + coldReads + " misses reading them again");
      }
      say("ready");

      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String command = in.readLine();
      if (!"check".equals(command)) {
        fail("expected 'check', got " + command);
      }
      long cold = coldFrom(rows);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (int i = 0; i < HOT; i++) {
                  if (!changed(i).equals(HEARD.get("k" + i))
                      || !changed(cold + i).equals(HEARD.get("k" + (cold + i)))) {
                    return false;
                  }
                }
                return true;
              });
      for (int i = 0; i < HOT; i++) {
        expect(cache, i, changed(i));
        expect(cache, cold + i, changed(cold + i));
      }
      say("changes seen and heard " + HEARD.size());

      long iterated = 0;
      for (Cache.Entry<String, String> e : cache) {
        long i = Long.parseLong(e.getKey().substring(1));
        String expected = i < HOT || i >= cold ? changed(i) : value(i);
        if (!expected.equals(e.getValue())) {
          fail("iteration: " + e.getKey() + " = " + e.getValue());
        }
        iterated++;
      }
      if (iterated != rows) {
        fail("iteration returned " + iterated + " entries of " + rows);
      }
      TierStats end = pg.localTier();
      if (end.size() > maxEntries) {
        fail("the local tier holds " + end.size() + " entries, bound " + maxEntries);
      }
      say("iterated " + iterated + " " + end);
      say(
          "heap peak "
              + heapPeak() / (1024 * 1024)
              + " MB of "
              + Runtime.getRuntime().maxMemory() / (1024 * 1024)
              + " MB");
      say("done");
    } catch (Exception | AssertionError e) {
      fail(e.toString());
    }
  }

  /**
   * Reads half uniformly random keys and half Zipf-like ones on a few threads; returns wrong
   * values.
   */
  private static long read(Cache<String, String> cache, long rows, int reads) throws Exception {
    AtomicLong wrong = new AtomicLong();
    long readable = coldFrom(rows);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      Future<?>[] done = new Future<?>[THREADS];
      for (int t = 0; t < THREADS; t++) {
        SplittableRandom random = new SplittableRandom(t);
        done[t] =
            pool.submit(
                () -> {
                  for (int n = 0; n < reads / THREADS; n++) {
                    // rank readable^u - 1 for uniform u: P(rank < r) = ln(r + 1) / ln(readable),
                    // Zipf with s = 1
                    long i =
                        n % 2 == 0
                            ? random.nextLong(readable)
                            : Math.min(
                                readable - 1, (long) Math.pow(readable, random.nextDouble()) - 1);
                    if (!value(i).equals(cache.get("k" + i))) {
                      wrong.incrementAndGet();
                    }
                  }
                });
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return wrong.get();
  }

  private static void expect(Cache<String, String> cache, long i, String value) {
    String got = cache.get("k" + i);
    if (!value.equals(got)) {
      fail("k" + i + " = " + got + ", expected " + value);
    }
  }

  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static void fail(String why) {
    say("failed " + why);
    System.exit(1);
  }
}
