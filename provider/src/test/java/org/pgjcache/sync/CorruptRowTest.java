package org.pgjcache.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.pgjcache.sync.SyncFixtures.fast;
import static org.pgjcache.sync.SyncFixtures.strings;
import static org.pgjcache.sync.SyncFixtures.sync;
import static org.pgjcache.sync.SyncFixtures.update;

import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;
import org.pgjcache.cache.PgCache;
import org.pgjcache.codec.HostileValues;
import org.pgjcache.support.Nodes;
import org.pgjcache.sync.Recorder.Event;

/**
 * A row whose value cannot be decoded fails reads of that key only: writes over it succeed, events
 * carry null where its value would be, and repairs go on with the other keys.
 */
class CorruptRowTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Tag of a Java-serialized value, then bytes that are no serialization stream. */
  private static final String CORRUPT = "'\\x01deadbeef'::bytea";

  @Test
  void aCorruptRowStaysWithItsKey() throws Exception {
    try (Nodes nodes = Nodes.freshDatabase("corrupt")) {
      CacheManager am = nodes.node("a", fast(nodes, "node-a"));
      java.util.Properties bp = fast(nodes, "node-b");
      bp.setProperty("pgjcache.serialization.max-time", "200ms");
      CacheManager bm = nodes.node("b", bp);
      MutableConfiguration<String, String> config = strings();
      Cache<String, String> a = am.createCache("c", config);
      Recorder heard = new Recorder();
      Cache<String, String> b =
          bm.createCache(
              "c",
              new MutableConfiguration<>(config)
                  .addCacheEntryListenerConfiguration(
                      new MutableCacheEntryListenerConfiguration<>(
                          FactoryBuilder.factoryOf(heard), null, true, true)));
      a.put("bad", "good once");
      a.put("other", "v");
      await().atMost(WAIT).until(() -> heard.size() == 2);

      // the same repair brings a corrupt row and a good change
      assertThat(
              update(
                  nodes, "update pgjcache_entries set value = " + CORRUPT + " where key = 's:bad'"))
          .isEqualTo(1);
      assertThat(
              update(
                  nodes,
                  "update pgjcache_entries set value = (select value from"
                      + " pgjcache_entries where key = 's:other') where key = 's:other2'"))
          .isZero();
      a.put("other", "changed behind the back");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("other")).isEqualTo("changed behind the back");
                assertThatThrownBy(() -> b.get("bad"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("'c'");
                assertThat(heard.events())
                    .contains(
                        new Event(EventType.UPDATED, "bad", null, "good once"),
                        new Event(EventType.UPDATED, "other", "changed behind the back", "v"));
              });
      assertThat(b.unwrap(PgCache.class).skippedChanges()).isPositive();
      assertThatThrownBy(() -> b.get("bad")).hasMessageContaining("s:bad");
      // iteration goes over the other keys and leaves the corrupt one out
      java.util.List<String> iterated = new java.util.ArrayList<>();
      b.forEach(e -> iterated.add(e.getKey()));
      assertThat(iterated).contains("other").doesNotContain("bad");

      // writes over the corrupt value succeed on the node with a synchronous listener
      b.put("bad", "mended");
      assertThat(b.get("bad")).isEqualTo("mended");
      assertThat(heard.events())
          .last()
          .isEqualTo(new Event(EventType.UPDATED, "bad", "mended", null));
      assertThat(
              update(
                  nodes, "update pgjcache_entries set value = " + CORRUPT + " where key = 's:bad'"))
          .isEqualTo(1);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThatThrownBy(() -> b.get("bad")).isInstanceOf(CacheException.class));
      // atomic operations see a corrupt value as absent or different, and never fail for it
      assertThat(b.replace("bad", "expected", "never")).isFalse();
      assertThat(b.<Boolean>invoke("bad", (entry, args) -> entry.exists())).isFalse();
      assertThat(b.getAndPut("bad", "overwritten")).isNull();
      assertThat(b.get("bad")).isEqualTo("overwritten");
      assertThat(
              update(
                  nodes, "update pgjcache_entries set value = " + CORRUPT + " where key = 's:bad'"))
          .isEqualTo(1);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThatThrownBy(() -> b.get("bad")).isInstanceOf(CacheException.class));
      assertThat(b.remove("bad")).isTrue();
      assertThat(b.get("bad")).isNull();

      // a hash-code bomb in a row: refused within max-time, and the threads that meet it go on
      a.put("bomb", "harmless");
      await().atMost(WAIT).until(() -> "harmless".equals(b.get("bomb")));
      assertThat(
              update(
                  nodes, "update pgjcache_entries set value = ? where key = 's:bomb'", hashBomb()))
          .isEqualTo(1);
      a.put("after the bomb", "still syncing");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(b.get("after the bomb")).isEqualTo("still syncing");
                assertThatThrownBy(() -> b.get("bomb")).isInstanceOf(CacheException.class);
              });
      assertThat(
              update(
                  nodes,
                  "update pgjcache_entries set value = (select value from"
                      + " pgjcache_entries where key = 's:other') where key = 's:after the bomb'"))
          .isEqualTo(1);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(b.get("after the bomb")).isEqualTo("changed behind the back"));

      // the heartbeat keeps matching and repairing afterwards
      await().atMost(WAIT).until(() -> sync(bm).matched());
      assertThat(sync(bm).heartbeatFailures()).isZero();
    }
  }

  /** Shared nested sets whose hash codes double at every level, as a stored Java value. */
  private static byte[] hashBomb() throws java.io.IOException {
    return HostileValues.tagged(HostileValues.hashBomb(90));
  }
}
