package org.pgjcache.sync;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * A pgjcache node in a JVM of its own, driven by a test through stdin and reporting through stdout:
 * commands {@code put k v}, {@code remove k}, {@code get k}, {@code quit}; it prints {@code ready},
 * {@code ok}, {@code value k v} and {@code event TYPE k v} for every event its listener hears. The
 * database comes from the environment variables {@code SYNC_TEST_URL}, {@code SYNC_TEST_USER} and
 * {@code SYNC_TEST_PASSWORD}, so no password shows in a process list. It exits when stdin closes.
 */
public final class RemoteNodeMain {

  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  private RemoteNodeMain() {}

  /** Prints every event as one line. */
  public static final class Printer
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          CacheEntryRemovedListener<String, String>,
          java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private static void print(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      for (CacheEntryEvent<? extends String, ? extends String> e : es) {
        say("event " + e.getEventType() + " " + e.getKey() + " " + e.getValue());
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      print(es);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      print(es);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      print(es);
    }
  }

  private static synchronized void say(String line) {
    OUT.println(line);
  }

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.setProperty("pgjcache.jdbc-url", System.getenv("SYNC_TEST_URL"));
    p.setProperty("pgjcache.user", System.getenv("SYNC_TEST_USER"));
    String password = System.getenv("SYNC_TEST_PASSWORD");
    if (password != null && !password.isEmpty()) {
      p.setProperty("pgjcache.password", password);
    }
    p.setProperty("pgjcache.node-name", "remote-jvm");
    try (CacheManager manager =
        Caching.getCachingProvider()
            .getCacheManager(
                URI.create("pgjcache:remote-jvm"), RemoteNodeMain.class.getClassLoader(), p)) {
      Cache<String, String> cache =
          manager.createCache(
              args[0],
              new MutableConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .addCacheEntryListenerConfiguration(
                      new MutableCacheEntryListenerConfiguration<>(
                          FactoryBuilder.factoryOf(Printer.class), null, true, true)));
      say("ready");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.split(" ");
        switch (words[0]) {
          case "put" -> {
            cache.put(words[1], words[2]);
            say("ok");
          }
          case "remove" -> say(cache.remove(words[1]) ? "ok" : "absent");
          case "get" -> say("value " + words[1] + " " + cache.get(words[1]));
          case "quit" -> {
            return;
          }
          default -> say("unknown " + words[0]);
        }
      }
    }
  }
}
