package org.pgjcache.examples.demo;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.spi.CachingProvider;
import org.pgjcache.backend.postgres.PostgresBackend;
import org.pgjcache.examples.ExampleDatabase;
import org.pgjcache.examples.demo.HeardEvents.Heard;
import org.pgjcache.manager.PgCacheManagerImpl;

/**
 * Two nodes, one PostgreSQL, four things that make pgjcache what it is, printed as a short log.
 * Each node is a {@code CacheManager} with a backend of its own ({@code
 * pgjcache.shared-backend=false}), which is exactly what a second JVM would have: its own
 * connection pool, its own LISTEN connection, its own replica. Steps 1 to 3 must work, or the demo
 * fails; step 4 waits for the checksum heartbeat with a deadline and says plainly if the heartbeat
 * did not repair the row.
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl examples -am -DskipTests -Pdemo verify}, or from an IDE.
 * Set {@code PGJCACHE_JDBC_URL} (and {@code PGJCACHE_USER}, {@code PGJCACHE_PASSWORD}) to run it on
 * your own PostgreSQL instead of an embedded one.
 */
public final class TwoNodeDemo {

  static final String CACHE = "greetings";
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  private static final int ORDERS = 20;
  private static final int KILL_AFTER = 5;

  private final PrintStream out;
  private final Duration heartbeatInterval;
  private final Duration repairTimeout;
  private long started = System.nanoTime();

  /**
   * A demo that prints to {@code out}.
   *
   * @param heartbeatInterval what the nodes get as {@code pgjcache.heartbeat-interval}
   * @param repairTimeout how long step 4 waits for the heartbeat to repair the row
   */
  public TwoNodeDemo(PrintStream out, Duration heartbeatInterval, Duration repairTimeout) {
    this.out = out;
    this.heartbeatInterval = heartbeatInterval;
    this.repairTimeout = repairTimeout;
  }

  /**
   * Runs the demo with a one-second heartbeat. Exits normally when steps 1 to 3 worked (whether or
   * not the heartbeat repaired the row in step 4), with an exception otherwise.
   *
   * @param args ignored
   * @throws Exception if a step failed
   */
  public static void main(String[] args) throws Exception {
    new TwoNodeDemo(System.out, Duration.ofSeconds(1), Duration.ofSeconds(10)).run();
  }

  /**
   * Runs all steps and closes both nodes.
   *
   * @return whether the heartbeat repaired the row in step 4
   * @throws IllegalStateException if one of steps 1 to 3 did not happen in time
   * @throws Exception if the database could not be reached
   */
  public boolean run() throws Exception {
    out.println("pgjcache two-node demo");
    long setup = System.nanoTime();
    Properties common = ExampleDatabase.connection("pgjcache_demo");
    common.setProperty("pgjcache.shared-backend", "false");
    common.setProperty("pgjcache.heartbeat-interval", seconds(heartbeatInterval));
    out.println("  database : " + ExampleDatabase.describe());
    CachingProvider provider = Caching.getCachingProvider();
    try (CacheManager a = node(provider, common, "node-a");
        CacheManager b = node(provider, common, "node-b")) {
      out.println(
          "  nodes    : node-a and node-b, two CacheManagers with a connection pool,"
              + " a LISTEN connection and a replica each");
      MutableConfiguration<String, String> config =
          new MutableConfiguration<String, String>().setTypes(String.class, String.class);
      Cache<String, String> onA = a.createCache(CACHE, config);
      onA.clear(); // a database named by PGJCACHE_JDBC_URL may hold an earlier run's entries
      Cache<String, String> onB = b.createCache(CACHE, config);
      HeardEvents heardOnB = new HeardEvents();
      onB.registerCacheEntryListener(heardOnB.configuration());
      out.println("  cache    : '" + CACHE + "' on both; node-b has a CacheEntryListener");
      out.printf(Locale.ROOT, "  ready in %.1f s; times below count from here%n", elapsed(setup));
      started = System.nanoTime();

      putRaisesEvent(onA, onB, heardOnB);
      removalPropagates(onA, onB, heardOnB);
      listenConnectionRecovers(b, onA, onB, heardOnB);
      boolean repaired = heartbeatRepairs(a, onB, heardOnB);
      out.println();
      out.printf(Locale.ROOT, "done in %.1f s; closing both nodes%n", elapsed(setup));
      return repaired;
    }
  }

  private static CacheManager node(CachingProvider provider, Properties common, String name) {
    Properties properties = new Properties();
    properties.putAll(common);
    properties.setProperty("pgjcache.node-name", name);
    return provider.getCacheManager(
        URI.create("pgjcache:demo-" + name), TwoNodeDemo.class.getClassLoader(), properties);
  }

  private void putRaisesEvent(
      Cache<String, String> onA, Cache<String, String> onB, HeardEvents heardOnB)
      throws InterruptedException {
    step(1, "a put on node-a raises an event on node-b");
    long put = System.nanoTime();
    onA.put("hello", "world");
    say("node-a", "put hello = 'world'");
    Heard heard =
        require(
            heardOnB.await(h -> h.key().equals("hello"), STEP_TIMEOUT),
            "node-b heard nothing about 'hello'");
    say(
        "node-b",
        String.format(
            Locale.ROOT,
            "heard %s   (%.1f ms after node-a's put began)",
            heard,
            (heard.nanoTime() - put) / 1e6));
    say(
        "node-b",
        "get hello -> '" + read(onB, "hello", "world") + "'   (served from node-b's replica)");
  }

  private void removalPropagates(
      Cache<String, String> onA, Cache<String, String> onB, HeardEvents heardOnB)
      throws InterruptedException {
    step(2, "a removal on node-a propagates");
    long removed = System.nanoTime();
    onA.remove("hello");
    say("node-a", "remove hello");
    Heard heard =
        require(
            heardOnB.await(h -> h.type() == EventType.REMOVED, STEP_TIMEOUT),
            "node-b heard no REMOVED event");
    say(
        "node-b",
        String.format(
            Locale.ROOT, "heard %s   (%.1f ms)", heard, (heard.nanoTime() - removed) / 1e6));
    say("node-b", "containsKey hello -> " + onB.containsKey("hello"));
  }

  private void listenConnectionRecovers(
      CacheManager b, Cache<String, String> onA, Cache<String, String> onB, HeardEvents heardOnB)
      throws Exception {
    step(3, "node-b's LISTEN connection is killed while node-a writes");
    PostgresBackend backendOfB = postgres(b);
    int pid = backendOfB.listenerPid();
    long reconnects = backendOfB.reconnects();
    say("node-a", "puts order-1 .. order-" + ORDERS + ", one every 10 ms");
    try (DirectSql dba = new DirectSql(b.unwrap(PgCacheManagerImpl.class).settings())) {
      for (int i = 1; i <= ORDERS; i++) {
        onA.put("order-" + i, "placed");
        if (i == KILL_AFTER) {
          say(
              "dba",
              "select pg_terminate_backend("
                  + pid
                  + ")   -- node-b's LISTEN connection,"
                  + " after order-"
                  + i);
          dba.terminate(pid);
          if (!dba.awaitGone(pid, STEP_TIMEOUT)) {
            throw new IllegalStateException("server process " + pid + " did not end");
          }
        }
        Thread.sleep(10); // pacing the writes, so that some fall into node-b's outage
      }
    }
    Set<String> heard = new HashSet<>();
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (heard.size() < ORDERS && System.nanoTime() < deadline) {
      heardOnB
          .await(h -> h.key().startsWith("order-"), Duration.ofMillis(100))
          .ifPresent(h -> heard.add(h.key()));
    }
    say(
        "node-b",
        "LISTEN connection: pid "
            + pid
            + " -> "
            + backendOfB.listenerPid()
            + ", "
            + (backendOfB.reconnects() - reconnects)
            + " reconnect(s)");
    if (heard.size() < ORDERS) {
      throw new IllegalStateException(
          "node-b heard only "
              + heard.size()
              + " of "
              + ORDERS
              + " orders within "
              + STEP_TIMEOUT.toSeconds()
              + " s");
    }
    int held = 0;
    for (int i = 1; i <= ORDERS; i++) {
      held += onB.containsKey("order-" + i) ? 1 : 0;
    }
    say(
        "node-b",
        "heard CREATED for all " + ORDERS + " orders; its replica holds " + held + " of " + ORDERS);
  }

  private boolean heartbeatRepairs(CacheManager a, Cache<String, String> onB, HeardEvents heardOnB)
      throws Exception {
    step(4, "a row changed behind pgjcache's back is repaired by the heartbeat");
    a.getCache(CACHE, String.class, String.class).put("motd", "hello from node-a");
    say("node-a", "put motd = 'hello from node-a'");
    Heard heard =
        require(
            heardOnB.await(h -> h.key().equals("motd"), STEP_TIMEOUT),
            "node-b heard nothing about 'motd'");
    say(
        "node-b",
        "heard " + heard + ";  get motd -> '" + read(onB, "motd", "hello from node-a") + "'");
    String changed = "changed by plain SQL";
    long rev;
    try (DirectSql dba = new DirectSql(a.unwrap(PgCacheManagerImpl.class).settings())) {
      rev = dba.overwrite(CACHE, "motd", changed);
    }
    long updated = System.nanoTime();
    say(
        "dba",
        "update pgjcache_entries set value = '" + changed + "', rev = " + rev + "   -- no NOTIFY");
    say("node-b", "get motd -> '" + onB.get("motd") + "'   (nobody told node-b)");
    say(
        "",
        "waiting up to "
            + repairTimeout.toSeconds()
            + " s for the heartbeat"
            + " (pgjcache.heartbeat-interval = "
            + seconds(heartbeatInterval)
            + ") ...");
    Optional<Heard> repaired =
        heardOnB.await(h -> h.key().equals("motd") && changed.equals(h.value()), repairTimeout);
    if (repaired.isPresent()) {
      say(
          "node-b",
          String.format(
              Locale.ROOT,
              "heard %s   (%.1f s after the UPDATE)",
              repaired.get(),
              (repaired.get().nanoTime() - updated) / 1e9));
      say("node-b", "get motd -> '" + onB.get("motd") + "'");
      return true;
    }
    String now = onB.get("motd");
    if (changed.equals(now)) {
      say("node-b", "get motd -> '" + now + "': repaired, but node-b's listener heard no event");
      return true;
    }
    say(
        "",
        "NOT REPAIRED within "
            + repairTimeout.toSeconds()
            + " s: node-b still reads '"
            + now
            + "'.");
    say(
        "",
        "The checksum heartbeat did not repair it: this pgjcache build has no heartbeat yet, or"
            + " it did not run within the deadline. The demo goes on; nothing else depends on it.");
    return false;
  }

  /**
   * Reads a key on a node, giving the value up to a second to become visible: pgjcache hands a
   * listener its event while the replica is still being updated, so a read right after an event may
   * see the value before it.
   */
  private static String read(Cache<String, String> cache, String key, String expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    String value = cache.get(key);
    while (!expected.equals(value) && System.nanoTime() < deadline) {
      Thread.sleep(1);
      value = cache.get(key);
    }
    return value;
  }

  private static PostgresBackend postgres(CacheManager manager) {
    if (manager.unwrap(PgCacheManagerImpl.class).backend() instanceof PostgresBackend postgres) {
      return postgres;
    }
    throw new IllegalStateException("the demo needs the postgres backend");
  }

  private static <T> T require(Optional<T> value, String failure) {
    return value.orElseThrow(
        () -> new IllegalStateException(failure + " within " + STEP_TIMEOUT.toSeconds() + " s"));
  }

  private void step(int number, String title) {
    out.println();
    out.println(number + ". " + title);
  }

  private void say(String who, String what) {
    out.printf(Locale.ROOT, "   %6.3f s  %-7s %s%n", elapsed(started), who, what);
  }

  private static double elapsed(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + "s"
        : duration.toMillis() + "ms";
  }
}
