package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.Recorder.Event;
import static org.pgjcache.sync.SyncFixtures.strings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.event.EventType;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;

/**
 * Every operation made on one node reaches the replicas of the others and raises there the events
 * it raised where it was made: same events, same order, once each.
 */
class PropagationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(10);

  /** A node's cache and the recorder listening to it. */
  private record Node(
      String name, CacheManager manager, Cache<String, String> cache, Recorder recorder) {}

  private static Node open(Nodes nodes, String name) {
    CacheManager manager = nodes.node(name);
    Recorder recorder = new Recorder();
    Cache<String, String> cache =
        manager.createCache(
            "c", strings().addCacheEntryListenerConfiguration(recorder.configuration()));
    return new Node(name, manager, cache, recorder);
  }

  /**
   * Waits until every node has heard {@code expected} (all events so far) and holds {@code state}.
   */
  private static void converge(List<Node> all, List<Event> expected, Map<String, String> state) {
    for (Node node : all) {
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .untilAsserted(
              () -> {
                assertThat(node.recorder().events())
                    .as("events heard on " + node.name())
                    .containsExactlyElementsOf(expected);
                for (String key : List.of("k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8")) {
                  if (!node.cache().isClosed()) {
                    assertThat(node.cache().get(key))
                        .as(key + " on " + node.name())
                        .isEqualTo(state.get(key));
                  }
                }
              });
    }
  }

  @Test
  void everyOperationReachesEveryOtherNodeWithTheSameEventsOnce() {
    try (Nodes nodes = Nodes.freshDatabase("propagation")) {
      Node a = open(nodes, "a");
      Node b = open(nodes, "b");
      Node c = open(nodes, "c");
      List<Node> all = List.of(a, b, c);
      List<Event> expected = new ArrayList<>();
      Map<String, String> state = new HashMap<>();

      a.cache().put("k1", "v1");
      expected.add(new Event(EventType.CREATED, "k1", "v1", null));
      state.put("k1", "v1");
      converge(all, expected, state);

      b.cache().put("k1", "v2");
      expected.add(new Event(EventType.UPDATED, "k1", "v2", "v1"));
      state.put("k1", "v2");
      converge(all, expected, state);

      Map<String, String> two = new java.util.TreeMap<>(Map.of("k2", "a", "k3", "b"));
      a.cache().putAll(two);
      // a bulk write reaches others as one batch; their order within it is the database's
      expected.add(new Event(EventType.CREATED, "k2", "a", null));
      expected.add(new Event(EventType.CREATED, "k3", "b", null));
      state.putAll(two);
      for (Node node : all) {
        await().atMost(WAIT).until(() -> node.recorder().size() == expected.size());
        assertThat(node.recorder().events()).containsExactlyInAnyOrderElementsOf(expected);
      }
      resetOrder(all, expected);

      c.cache().remove("k2");
      expected.add(new Event(EventType.REMOVED, "k2", "a", "a"));
      state.remove("k2");
      converge(all, expected, state);

      a.cache().removeAll(Set.of("k3"));
      expected.add(new Event(EventType.REMOVED, "k3", "b", "b"));
      state.remove("k3");
      converge(all, expected, state);

      assertThat(b.cache().putIfAbsent("k4", "p")).isTrue();
      expected.add(new Event(EventType.CREATED, "k4", "p", null));
      state.put("k4", "p");
      converge(all, expected, state);

      assertThat(c.cache().replace("k4", "q")).isTrue();
      expected.add(new Event(EventType.UPDATED, "k4", "q", "p"));
      state.put("k4", "q");
      converge(all, expected, state);

      assertThat(a.cache().replace("k4", "q", "r")).isTrue();
      expected.add(new Event(EventType.UPDATED, "k4", "r", "q"));
      state.put("k4", "r");
      converge(all, expected, state);

      assertThat(b.cache().getAndReplace("k4", "s")).isEqualTo("r");
      expected.add(new Event(EventType.UPDATED, "k4", "s", "r"));
      state.put("k4", "s");
      converge(all, expected, state);

      assertThat(c.cache().remove("k4", "s")).isTrue();
      expected.add(new Event(EventType.REMOVED, "k4", "s", "s"));
      state.remove("k4");
      converge(all, expected, state);

      a.cache()
          .invoke(
              "k5",
              (MutableEntry<String, String> e, Object... args) -> {
                e.setValue("z");
                return null;
              });
      expected.add(new Event(EventType.CREATED, "k5", "z", null));
      state.put("k5", "z");
      converge(all, expected, state);

      b.cache()
          .invoke(
              "k5",
              (MutableEntry<String, String> e, Object... args) -> {
                e.setValue(e.getValue() + "z");
                return null;
              });
      expected.add(new Event(EventType.UPDATED, "k5", "zz", "z"));
      state.put("k5", "zz");
      converge(all, expected, state);

      c.cache()
          .invoke(
              "k5",
              (MutableEntry<String, String> e, Object... args) -> {
                e.remove();
                return null;
              });
      expected.add(new Event(EventType.REMOVED, "k5", "zz", "zz"));
      state.remove("k5");
      converge(all, expected, state);

      assertThat(a.cache().getAndPut("k6", "g")).isNull();
      expected.add(new Event(EventType.CREATED, "k6", "g", null));
      state.put("k6", "g");
      converge(all, expected, state);

      assertThat(b.cache().getAndPut("k6", "h")).isEqualTo("g");
      expected.add(new Event(EventType.UPDATED, "k6", "h", "g"));
      state.put("k6", "h");
      converge(all, expected, state);

      assertThat(c.cache().getAndRemove("k6")).isEqualTo("h");
      expected.add(new Event(EventType.REMOVED, "k6", "h", "h"));
      state.remove("k6");
      converge(all, expected, state);

      a.cache().put("k7", "x");
      a.cache().put("k8", "y");
      expected.add(new Event(EventType.CREATED, "k7", "x", null));
      expected.add(new Event(EventType.CREATED, "k8", "y", null));
      state.put("k7", "x");
      state.put("k8", "y");
      converge(all, expected, state);

      // clear() raises no events anywhere (JCache), but the entries go away on every node
      b.cache().clear();
      state.clear();
      converge(all, expected, state);

      c.cache().put("k7", "again");
      expected.add(new Event(EventType.CREATED, "k7", "again", null));
      state.put("k7", "again");
      converge(all, expected, state);

      // destroying the cache on one node empties it on the others
      a.manager().destroyCache("c");
      state.clear();
      converge(List.of(b, c), expected, state);
      assertThat(b.cache().iterator().hasNext()).isFalse();
    }
  }

  /** After a batch whose order is the database's, continue comparing from what every node heard. */
  private static void resetOrder(List<Node> all, List<Event> expected) {
    List<Event> heard = all.get(0).recorder().events();
    for (Node node : all) {
      assertThat(node.recorder().events()).containsExactlyElementsOf(heard);
    }
    expected.clear();
    expected.addAll(heard);
  }

  @Test
  void twoNodesListenersWithAFilterHearOnlyWhatPasses() {
    try (Nodes nodes = Nodes.freshDatabase("filter")) {
      Node a = open(nodes, "a");
      CacheManager bm = nodes.node("b");
      Recorder all = new Recorder();
      Recorder filtered = new Recorder();
      Cache<String, String> b =
          bm.createCache(
              "c",
              strings()
                  .addCacheEntryListenerConfiguration(all.configuration())
                  .addCacheEntryListenerConfiguration(
                      filtered.configuration(new Recorder.KeyFilter("keep"))));

      a.cache().put("keep1", "1");
      a.cache().put("drop1", "2");
      a.cache().put("keep1", "3");
      a.cache().remove("drop1");
      a.cache().remove("keep1");

      await().atMost(WAIT).until(() -> all.size() == 5);
      assertThat(filtered.events())
          .containsExactly(
              new Event(EventType.CREATED, "keep1", "1", null),
              new Event(EventType.UPDATED, "keep1", "3", "1"),
              new Event(EventType.REMOVED, "keep1", "3", "3"));
      assertThat(b.get("keep1")).isNull();
    }
  }

  @Test
  void eventsOfOneKeyArriveInCommitOrderWithoutDuplicates() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("order")) {
      Node a = open(nodes, "a");
      Node b = open(nodes, "b");
      Node c = open(nodes, "c");
      int n = 300;
      ExecutorService writers = Executors.newFixedThreadPool(2);
      try {
        Future<?> fromA =
            writers.submit(
                () -> {
                  for (int i = 0; i < n; i++) {
                    a.cache().put("k", "a" + i);
                  }
                });
        Future<?> fromC =
            writers.submit(
                () -> {
                  for (int i = 0; i < n; i++) {
                    c.cache().put("k", "c" + i);
                  }
                });
        fromA.get(60, TimeUnit.SECONDS);
        fromC.get(60, TimeUnit.SECONDS);
      } finally {
        writers.shutdownNow();
      }
      // a node opened now loads the database's state: the value every node must end with
      String last = nodes.node("d").createCache("c", strings()).get("k");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(a.cache().get("k")).isEqualTo(last);
                assertThat(b.cache().get("k")).isEqualTo(last);
                assertThat(c.cache().get("k")).isEqualTo(last);
                assertThat(b.recorder().events("k"))
                    .last()
                    .extracting(Event::value)
                    .isEqualTo(last);
              });
      List<Event> heard = b.recorder().events("k");
      // each writer's own values arrive in the order it wrote them, and no value arrives twice
      assertThat(heard).extracting(Event::value).doesNotHaveDuplicates();
      assertThat(valuesFrom(heard, "a")).isSorted();
      assertThat(valuesFrom(heard, "c")).isSorted();
      // every update carries the value it replaced: the previous event's value
      for (int i = 1; i < heard.size(); i++) {
        assertThat(heard.get(i).old()).isEqualTo(heard.get(i - 1).value());
      }
      // the writers hear their own writes once: each of their values at most once
      assertThat(a.recorder().events("k")).extracting(Event::value).doesNotHaveDuplicates();
      assertThat(c.recorder().events("k")).extracting(Event::value).doesNotHaveDuplicates();
    }
  }

  private static List<Integer> valuesFrom(List<Event> events, String writer) {
    List<Integer> values = new ArrayList<>();
    for (Event e : events) {
      if (e.value().startsWith(writer)) {
        values.add(Integer.parseInt(e.value().substring(1)));
      }
    }
    return values;
  }
}
