package org.pgjcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.ChildJvm;
import org.pgjcache.support.Nodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, point 5: a node with {@code max-entries=10000} on a cache of 2,000,000 rows runs in a
 * 192 MB heap. The node runs in a JVM of its own ({@link BoundedHeapNodeMain}, {@code -Xmx192m},
 * ended by any {@code OutOfMemoryError}); it attaches, makes 400,000 random and Zipf-like reads
 * checking every value, sees and hears the changes another node (this JVM) makes to 500 keys it
 * holds and 500 it never read, and iterates the whole cache checking every value. The rows are
 * written by SQL in pgjcache's encoding (key {@code s:<text>}, value tag 2 + UTF-8), far faster
 * than putAll.
 */
class BoundedHeapTest {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedHeapTest.class);
  private static final long ROWS = 2_000_000;
  private static final int READS = 400_000;
  private static final int MAX_ENTRIES = 10_000;
  private static final Duration WAIT = Duration.ofMinutes(3);

  @Test
  void aBoundedNodeServesTwoMillionRowsInA192MbHeap() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("bounded_heap")) {
      Properties other = nodes.properties();
      other.setProperty("pgjcache.max-entries", "1000");
      Cache<String, String> writer =
          nodes
              .node("writer", other)
              .createCache(
                  BoundedHeapNodeMain.CACHE,
                  new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      fill(nodes);

      try (ChildJvm child =
          new ChildJvm(
              "bounded-heap",
              List.of("-Xmx192m", "-XX:+ExitOnOutOfMemoryError"),
              BoundedHeapNodeMain.class,
              List.of(Long.toString(ROWS), Integer.toString(READS), Integer.toString(MAX_ENTRIES)),
              Map.of(
                  "HEAP_TEST_URL",
                  nodes.jdbcUrl(),
                  "HEAP_TEST_USER",
                  nodes.user(),
                  "HEAP_TEST_PASSWORD",
                  nodes.password() == null ? "" : nodes.password()))) {
        child.expect("ready", WAIT);
        Map<String, String> changes = new HashMap<>();
        long cold = BoundedHeapNodeMain.coldFrom(ROWS);
        for (int i = 0; i < BoundedHeapNodeMain.HOT; i++) {
          changes.put("k" + i, BoundedHeapNodeMain.changed(i));
          changes.put("k" + (cold + i), BoundedHeapNodeMain.changed(cold + i));
        }
        writer.putAll(changes);
        child.send("check");
        child.expect("done", WAIT);
        assertThat(child.exitCode(WAIT)).as("the node's exit code").isZero();
      }
    }
  }

  /** Writes the rows in pgjcache's encoding: what {@link BoundedHeapNodeMain#value} expects. */
  private static void fill(Nodes nodes) throws Exception {
    long t0 = System.nanoTime();
    try (Connection c =
            DriverManager.getConnection(nodes.jdbcUrl(), nodes.user(), nodes.password());
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "insert into pgjcache_entries (cache, key, value, rev) select '"
              + BoundedHeapNodeMain.CACHE
              + "', 's:k' || g, '\\x02'::bytea || convert_to(v || repeat('x',"
              + " 100 - length(v)), 'UTF8'), nextval('pgjcache_entries_rev')"
              + " from generate_series(0, "
              + (ROWS - 1)
              + ") g, lateral (select 'v' || g || '-' as v) h");
      st.execute("analyze pgjcache_entries");
    }
    LOG.info("wrote {} rows by SQL in {} ms", ROWS, (System.nanoTime() - t0) / 1_000_000);
  }

  /** The node under test: its process, its lines, and its stdin. */
}
