package org.pgjcache.backend.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.pgjcache.backend.Change;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.Op;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscribers;
import org.pgjcache.backend.Subscription;

/**
 * A fenced subscriber hears nothing until the marker of its own subscription passes (or the wait is
 * abandoned); markers of other subscriptions and nodes are consumed without opening it.
 */
class FencesTest {

  private static final NoticeSeal SEAL =
      new NoticeSeal("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  private final Subscribers subscribers = new Subscribers("node");
  private final NoticeLanes lanes = new NoticeLanes(cache -> {});
  private final Fences fences = new Fences(subscribers, lanes);

  @org.junit.jupiter.api.AfterEach
  void closeLanes() {
    lanes.close();
  }

  /** The changes one subscriber heard, by key. */
  private static final class Heard implements ChangeListener {
    final List<String> keys = new CopyOnWriteArrayList<>();

    @Override
    public void onChange(Change change) {
      keys.add(change.key());
    }

    @Override
    public void onPossibleGap() {}
  }

  private static Payloads.Notice marker(Subscription subscription) {
    return Payloads.parse(Fences.payload(subscription), SEAL);
  }

  private static Payloads.Notice markerOf(String origin) {
    return new Payloads.Notice('G', ' ', 0, 0, 0, origin, Fences.CACHE, "", null);
  }

  private void deliver(String key) {
    subscribers.deliver("c", new Change(Op.PUT, key, 1, new byte[] {1}, Row.ETERNAL), "elsewhere");
  }

  @Test
  void aMarkerOpensExactlyItsSubscription() {
    Heard first = new Heard();
    Heard second = new Heard();
    Subscription a = subscribers.addFenced("c", first);
    Subscription b = subscribers.addFenced("c", second);
    fences.expect("c", a);
    Fences.Pending pendingB = fences.expect("c", b);

    deliver("before");
    assertThat(fences.passed(marker(b))).isTrue();
    // the marker opens its subscription in the cache's lane, after what came before it
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> pendingB.passed.getCount() == 0);
    deliver("after");

    assertThat(first.keys).isEmpty();
    assertThat(second.keys).containsExactly("after");
  }

  @Test
  void markersOfOtherNodesAreConsumedWithoutOpeningAnything() {
    Heard heard = new Heard();
    Subscription s = subscribers.addFenced("c", heard);
    Fences.Pending pending = fences.expect("c", s);

    assertThat(fences.passed(markerOf("another-node.1"))).isTrue();
    deliver("k");

    assertThat(heard.keys).isEmpty();
    assertThat(pending.passed.getCount()).isEqualTo(1);
  }

  @Test
  void otherNoticesAreNotMarkers() {
    Heard heard = new Heard();
    Subscription s = subscribers.addFenced("c", heard);
    fences.expect("c", s);
    String origin = s.origin();

    assertThat(fences.passed(new Payloads.Notice('G', ' ', 0, 0, 0, origin, "c", "", null)))
        .as("a gap notice of a real cache")
        .isFalse();
    assertThat(
            fences.passed(
                new Payloads.Notice('P', ' ', 3, 3, Row.ETERNAL, origin, Fences.CACHE, "k", null)))
        .as("a change of the fence cache name")
        .isFalse();
    deliver("k");
    assertThat(heard.keys).isEmpty();
  }

  @Test
  void abandoningTheWaitOpensTheSubscription() {
    Heard heard = new Heard();
    Subscription s = subscribers.addFenced("c", heard);
    Fences.Pending pending = fences.expect("c", s);

    fences.abandon(pending);
    deliver("k");
    assertThat(heard.keys).containsExactly("k");

    assertThat(fences.passed(marker(s))).as("its marker, late, is still consumed").isTrue();
    assertThat(pending.passed.getCount()).as("no longer waited for").isEqualTo(1);
  }
}
