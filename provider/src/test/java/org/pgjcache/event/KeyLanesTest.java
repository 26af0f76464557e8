package org.pgjcache.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Workers;

class KeyLanesTest {

  private final KeyLanes lanes = new KeyLanes();
  private final List<String> delivered = new CopyOnWriteArrayList<>();

  private Runnable publish(String key, String event) {
    return lanes.enqueue(key, () -> delivered.add(event));
  }

  @Test
  void aLaterDeliveryFiredFirstDeliversTheEarlierOnesBeforeIt() {
    Runnable first = publish("k", "k1");
    Runnable other = publish("x", "x1");
    Runnable second = publish("k", "k2");

    second.run();
    assertThat(delivered).containsExactly("k1", "k2");
    first.run();
    other.run();
    assertThat(delivered).containsExactly("k1", "k2", "x1");
    assertThat(lanes.activeKeys()).isZero();
  }

  @Test
  void whatAListenerThrowsReachesTheThreadThatPublishedIt() {
    Runnable failing =
        lanes.enqueue(
            "k",
            () -> {
              throw new IllegalStateException("listener failed");
            });
    Runnable later = publish("k", "k2");

    later.run();
    assertThat(delivered).containsExactly("k2");
    assertThatThrownBy(failing::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("listener failed");
  }

  @Test
  void aListenerThatCallsBackIntoTheCacheDeliversItsOwnEventsInline() {
    List<Runnable> nested = new ArrayList<>();
    Runnable outer =
        lanes.enqueue(
            "k",
            () -> {
              delivered.add("k1-start");
              nested.add(publish("k", "k2"));
              nested.get(0).run();
              delivered.add("k1-end");
            });
    outer.run();
    assertThat(delivered).containsExactly("k1-start", "k2", "k1-end");
  }

  @Test
  void deliveriesOfOneKeyStartInPublicationOrderWhateverThreadFiresThem() throws Exception {
    int events = 2000;
    List<Runnable> published = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      published.add(publish("k", Integer.toString(i)));
    }
    try (Workers workers = new Workers()) {
      workers.add(
          () -> {
            for (int i = events - 1; i >= 0; i -= 2) {
              published.get(i).run();
            }
          });
      workers.add(
          () -> {
            for (int i = 0; i < events; i += 2) {
              published.get(i).run();
            }
          });
      workers.start();
      workers.join(Duration.ofSeconds(30));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(delivered).containsExactlyElementsOf(expected);
    assertThat(lanes.activeKeys()).isZero();
  }
}
