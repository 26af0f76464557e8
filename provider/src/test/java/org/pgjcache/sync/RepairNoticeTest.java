package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.agent;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;
import static org.pgjcache.sync.SyncFixtures.update;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.support.PgjcacheThreads;

/**
 * A row changed without an announcement (SQL by hand: the trigger gives it a revision, nobody
 * notifies) is missed by every node alike. The first node whose heartbeat repairs it says so, and
 * the others compare that cache's changes at once instead of waiting for their own heartbeat,
 * reading only what changed, never the whole cache, and no other cache.
 */
class RepairNoticeTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A node whose own heartbeat comes once an hour: after its first, it repairs only when told. */
  private static Properties slow(Nodes nodes, String name) {
    Properties p = fast(nodes, name);
    p.setProperty("pgjcache.heartbeat-interval", "1h");
    return p;
  }

  /**
   * Gives string key {@code to} of {@code cache} the value of {@code from} by SQL: the trigger
   * gives the row a new revision, nobody notifies.
   */
  private static void copyByHand(Nodes nodes, String cache, String from, String to)
      throws Exception {
    assertThat(
            update(
                nodes,
                "update pgjcache_entries e set value = s.value from pgjcache_entries s where"
                    + " e.cache = ? and e.key = ? and s.cache = e.cache and s.key = ?",
                cache,
                "s:" + to,
                "s:" + from))
        .isOne();
  }

  @Test
  void aRepairOfARowChangedByHandReachesNodesBetweenTheirHeartbeats() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("notice")) {
      CacheManager bm = nodes.node("b", slow(nodes, "node-b"));
      CacheManager cm = nodes.node("c", slow(nodes, "node-c"));
      Cache<String, String> b = bm.createCache("c", strings());
      Cache<String, String> c = cm.createCache("c", strings());
      Cache<String, String> other = cm.createCache("other", strings());
      for (int i = 0; i < 50; i++) {
        b.put("k" + i, "v" + i);
        other.put("k" + i, "v" + i);
      }
      await().atMost(WAIT).until(() -> "v49".equals(c.get("k49")));
      // each slow node has its heartbeat now, with the cache open: it is in line from here
      sync(bm).heartbeatNow();
      sync(cm).heartbeatNow();
      long bBeats = agent(bm).heartbeats();
      long cBeats = agent(cm).heartbeats();
      long cWhole = agent(cm).wholeComparisons();

      copyByHand(nodes, "c", "k2", "k1");
      assertThat(b.get("k1")).as("nobody announced the change").isEqualTo("v1");
      // a cache no notice will name, changed the same way: left to c's own heartbeat
      copyByHand(nodes, "other", "k2", "k1");

      // a node with a heartbeat every 500 ms joins, finds the row at a heartbeat and tells the
      // others
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      Cache<String, String> a = am.createCache("c", strings());
      await().atMost(WAIT).until(() -> "v2".equals(a.get("k1")));
      long aBeats = agent(am).heartbeats();
      a.put("nudge", "1"); // something to compare at a's next change comparison
      copyByHand(nodes, "c", "k4", "k3");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("k1")).isEqualTo("v2");
                assertThat(c.get("k1")).isEqualTo("v2");
                assertThat(b.get("k3")).isEqualTo("v4");
                assertThat(c.get("k3")).isEqualTo("v4");
              });
      assertThat(agent(am).heartbeats()).as("a repaired at a heartbeat").isGreaterThan(aBeats);
      assertThat(agent(bm).heartbeats()).as("b's heartbeat did not run").isEqualTo(bBeats);
      assertThat(agent(cm).heartbeats()).as("c's heartbeat did not run").isEqualTo(cBeats);
      assertThat(agent(cm).wholeComparisons())
          .as("the notice made c compare changes, not whole caches")
          .isEqualTo(cWhole);
      assertThat(other.get("k1"))
          .as("a notice naming cache 'c' compares only 'c'; 'other' waits for c's heartbeat")
          .isEqualTo("v1");
      assertThat(agent(cm).repairedEntries()).isEqualTo(agent(bm).repairedEntries()).isEqualTo(2);
      sync(cm).heartbeatNow();
      assertThat(other.get("k1")).isEqualTo("v2");
    }
  }

  @Test
  void aNoticeIsActedOnWhileTheNodesHeartbeatIsBusyComparingSomethingElse() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("busy")) {
      CacheManager bm = nodes.node("b", slow(nodes, "node-b"));
      Cache<String, String> b = bm.createCache("c", strings());
      for (int i = 0; i < 20; i++) {
        b.put("k" + i, "v" + i);
      }
      sync(bm).heartbeatNow(); // b is in line from here
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      Cache<String, String> a = am.createCache("c", strings());
      await().atMost(WAIT).until(() -> "v19".equals(a.get("k19")));

      // b's heartbeat thread is taken, as by a whole comparison of a large cache that lasts seconds
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      agent(bm)
          .occupyHeartbeatThread(
              () -> {
                busy.countDown();
                try {
                  release.await(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      try {
        assertThat(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        a.put("nudge", "1");
        copyByHand(nodes, "c", "k2", "k1");
        await().atMost(WAIT).until(() -> "v2".equals(a.get("k1")));
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(b.get("k1"))
                        .as("a's repair notice reached b while b's heartbeat thread was busy")
                        .isEqualTo("v2"));
        assertThat(release.getCount()).as("the heartbeat thread was still taken").isOne();
        assertThat(hintThreads()).as("b compared on its second thread").isNotEmpty();
      } finally {
        release.countDown();
      }
    }
    // sooner than it would end on its own, idle (30 s)
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(hintThreads()).as("closing the nodes ended that thread").isEmpty());
  }

  private static java.util.Set<String> hintThreads() {
    java.util.Set<String> names = new java.util.TreeSet<>(PgjcacheThreads.alive());
    names.removeIf(name -> !name.startsWith("pgjcache-hint-"));
    return names;
  }

  /** A node whose heartbeat comes once an hour and whose marks lag by 4 s (2 x (1 s + 1 s)). */
  private static Properties slowWithShortLag(Nodes nodes, String name) {
    Properties p = slow(nodes, name);
    p.setProperty("pgjcache.statement-timeout", "1s");
    p.setProperty("pgjcache.connect-timeout", "1s");
    return p;
  }

  @Test
  void aRowBelowANodesMarkIsFoundFromTheRevisionAnotherNodeRepaired() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("below")) {
      CacheManager am = nodes.node("a", slowWithShortLag(nodes, "node-a"));
      CacheManager bm = nodes.node("b", slowWithShortLag(nodes, "node-b"));
      Cache<String, String> a = am.createCache("c", strings());
      Cache<String, String> b = bm.createCache("c", strings());
      for (int i = 0; i < 20; i++) {
        a.put("k" + i, "v" + i);
      }
      await().atMost(WAIT).until(() -> "v19".equals(b.get("k19")));
      long k2 = SyncFixtures.rev(nodes, "k2");
      // b's comparisons of changes start above k2's revision from here
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                sync(bm).heartbeatNow();
                return agent(bm).verifiedBelow("c") >= k2;
              });
      long bBeats = agent(bm).heartbeats();
      long bWhole = agent(bm).wholeComparisons();

      // a row that shows up with an old revision (inserted by hand, or by a transaction that
      // committed long after it took its revision): no comparison of changes lists it
      assertThat(
              update(
                  nodes,
                  "insert into pgjcache_entries (cache, key, value, rev, expires_at) select cache,"
                      + " 's:late', value, rev, expires_at from pgjcache_entries where cache = 'c'"
                      + " and key = 's:k2'"))
          .isOne();
      sync(am).heartbeatNow(); // a whole comparison finds it, and says from which revision
      assertThat(a.get("late")).isEqualTo("v2");

      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(b.get("late"))
                      .as("b compared the changes from the revision a repaired, below its mark")
                      .isEqualTo("v2"));
      assertThat(agent(bm).heartbeats()).as("b's heartbeat did not run").isEqualTo(bBeats);
      assertThat(agent(bm).wholeComparisons()).isEqualTo(bWhole);
    }
  }

  @Test
  void anotherNodesWholeComparisonsStandInForANodesOwnNet() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("net")) {
      CacheManager am = nodes.node("a", slow(nodes, "node-a"));
      CacheManager bm = nodes.node("b", fast(nodes, "node-b"));
      Cache<String, String> a = am.createCache("c", strings());
      Cache<String, String> b = bm.createCache("c", strings());
      a.put("k", "v");
      await().atMost(WAIT).until(() -> "v".equals(b.get("k")) && agent(bm).verifiedBelow("c") >= 0);
      long whole = agent(bm).wholeComparisons();
      long beats = agent(bm).heartbeats();
      // b's own net would come within ChangeWatch.WHOLE_EVERY of its beats; a compares the whole
      // cache every 500 ms or so and says so
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                sync(am).heartbeatNow();
                return agent(bm).heartbeats() >= beats + ChangeWatch.WHOLE_EVERY + 5;
              });
      assertThat(agent(bm).wholeComparisons())
          .as("b left its net to a's whole comparisons")
          .isEqualTo(whole);
    }
  }
}
