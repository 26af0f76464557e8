package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.strings;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;

/**
 * A cache instance opened right after another instance of the same name was destroyed does not pick
 * up the destroyed instance's changes from notifications still on their way (they would resurrect
 * entries the database no longer has).
 */
class FreshInstanceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final CountDownLatch HOLD = new CountDownLatch(1);

  /** A synchronous listener that holds the notification thread until the test lets it go. */
  public static final class Stall
      implements CacheEntryCreatedListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      try {
        HOLD.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void notificationsOfADestroyedInstanceDoNotReachItsSuccessor() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("fresh")) {
      Properties shared = nodes.properties();
      shared.setProperty("pgjcache.shared-backend", "true");
      CacheManager one = nodes.node("one", shared);
      CacheManager two = nodes.node("two", shared);
      two.createCache(
          "c",
          strings()
              .addCacheEntryListenerConfiguration(
                  new MutableCacheEntryListenerConfiguration<>(
                      FactoryBuilder.factoryOf(Stall.class), null, false, true)));

      Cache<String, String> old = one.createCache("c", strings());
      old.put("hold", "the lane of cache c"); // from now on its notifications queue up
      old.put("k", "from the destroyed instance");
      one.destroyCache("c");

      Recorder heard = new Recorder();
      AtomicReference<Cache<String, String>> fresh = new AtomicReference<>();
      ExecutorService worker = Executors.newSingleThreadExecutor();
      try {
        AtomicReference<Thread> thread = new AtomicReference<>();
        Future<?> opened =
            worker.submit(
                () -> {
                  thread.set(Thread.currentThread());
                  fresh.set(
                      one.createCache(
                          "c",
                          strings().addCacheEntryListenerConfiguration(heard.configuration())));
                });
        // the new instance waits for its fence, which queues behind the old notifications
        await()
            .atMost(WAIT)
            .until(
                () ->
                    thread.get() != null
                        && Arrays.stream(thread.get().getStackTrace())
                            .anyMatch(
                                f ->
                                    f.getMethodName().equals("fencedSubscribe")
                                        && f.getClassName().endsWith("PostgresFeed")));
        HOLD.countDown();
        opened.get(30, TimeUnit.SECONDS);
      } finally {
        HOLD.countDown();
        worker.shutdownNow();
      }
      one.getCache("c", String.class, String.class).put("after", "fresh");
      await().atMost(WAIT).until(() -> heard.size() >= 1);
      assertThat(fresh.get().get("k")).isNull();
      assertThat(heard.events())
          .containsExactly(new Event(EventType.CREATED, "after", "fresh", null));
    }
  }
}
