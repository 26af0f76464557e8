package org.pgjcache.manager;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.memory.MemoryBackend;
import org.pgjcache.backend.postgres.PostgresBackend;
import org.pgjcache.config.Settings;
import org.pgjcache.expiry.ExpiryReaper;
import org.pgjcache.sync.Coordination;

/**
 * One backend per data source per JVM (the seeds' "singleton backend"): cache managers that point
 * at the same database share its connection pool and its one LISTEN connection, and it closes when
 * the last of them releases it. A manager configured with {@code shared-backend: false} gets a
 * backend of its own, which is how one JVM can play several nodes. Each backend comes with the
 * JVM's expiry reaper for its data source, which stops before the backend closes.
 */
public final class Backends {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Backends.class);

  private static final Map<String, Shared> SHARED = new HashMap<>();

  private Backends() {}

  /** A manager's hold on a backend; {@link #release()} once. */
  public interface Lease {
    Backend backend();

    /** The backend's coordination part, which the heartbeat and the reaper use. */
    Coordination coordination();

    void release();
  }

  public static Lease acquire(Settings settings) {
    synchronized (SHARED) {
      String key = identity(settings);
      Shared shared = SHARED.get(key);
      if (shared != null && shared.dataSource != settings.dataSource().orElse(null)) {
        key = key + "|" + UUID.randomUUID(); // two data sources with the same identity hash code
        shared = null;
      }
      if (shared == null) {
        Opened opened = open(settings);
        ExpiryReaper reaper =
            ExpiryReaper.start(opened.backend, opened.coordination, settings.expiryInterval());
        if (settings.expiryPrompt()) {
          opened.backend.feed().expiryHints().listen(reaper::hint);
        }
        shared =
            new Shared(
                key, opened, reaper, backendSettings(settings), settings.dataSource().orElse(null));
        SHARED.put(key, shared);
      }
      shared.holders++;
      return shared.lease();
    }
  }

  /**
   * Managers share a backend only when every setting the backend uses is the same (pool size,
   * timeouts, intervals, durability, where LISTEN goes …): a second manager with other values gets
   * a backend of its own, and the log says which keys differ, rather than silently running on the
   * first one's values. Managers given a {@code data-source} share only with managers given the
   * same instance.
   */
  private static String identity(Settings settings) {
    String target =
        settings.backend() == org.pgjcache.config.BackendKind.MEMORY
            ? "memory"
            : "postgres:"
                + settings.jdbcUrl()
                + "|"
                + settings.listenJdbcUrl()
                + "|"
                + settings.user()
                + "|"
                + settings.qualifiedTable()
                + "|"
                + settings.channel()
                + settings
                    .dataSource()
                    .map(ds -> "|data-source@" + System.identityHashCode(ds))
                    .orElse("");
    if (!settings.sharedBackend()) {
      return target + "|" + UUID.randomUUID();
    }
    Map<String, String> used = backendSettings(settings);
    for (Shared other : SHARED.values()) {
      if (other.key.startsWith(target + "|") && !other.settings.equals(used)) {
        java.util.Set<String> differing = new java.util.TreeSet<>();
        for (String k : used.keySet()) {
          if (!java.util.Objects.equals(used.get(k), other.settings.get(k))) {
            differing.add(k);
          }
        }
        LOG.info(
            "a cache manager on {} has other values than the backend already shared there for"
                + " {}: it gets a backend (pool, LISTEN connection) of its own",
            settings.describeTarget(),
            differing);
      }
    }
    return target + "|" + used;
  }

  /** The settings a backend runs on: everything but what is a manager's or a cache's own. */
  static Map<String, String> backendSettings(Settings settings) {
    Map<String, String> used = new java.util.TreeMap<>();
    settings
        .toProperties()
        .forEach(
            (k, v) -> {
              String key = String.valueOf(k);
              if (!key.startsWith("pgjcache.caches.")
                  && !key.startsWith("pgjcache.serialization.")
                  && !key.equals("pgjcache.node-name")
                  && !key.equals("pgjcache.statistics")
                  && !key.equals("pgjcache.management")
                  && !key.equals("pgjcache.data-source")) {
                used.put(key, String.valueOf(v));
              }
            });
    return used;
  }

  /** A backend with its coordination part, which lives with the heartbeat and is typed there. */
  private record Opened(Backend backend, Coordination coordination) {}

  private static Opened open(Settings settings) {
    if (settings.backend() == org.pgjcache.config.BackendKind.MEMORY) {
      MemoryBackend memory = new MemoryBackend(settings.nodeName());
      return new Opened(memory, memory.coordination());
    }
    PostgresBackend postgres = PostgresBackend.open(settings);
    return new Opened(postgres, postgres.coordination());
  }

  /** How many distinct backends are open in this JVM (for tests of resource release). */
  public static int openCount() {
    synchronized (SHARED) {
      return SHARED.size();
    }
  }

  private static final class Shared {
    final String key;
    final Backend backend;
    final Coordination coordination;
    final ExpiryReaper reaper;
    final Map<String, String> settings;

    /** The application's pool the backend runs on, or null. */
    final javax.sql.DataSource dataSource;

    int holders;

    Shared(
        String key,
        Opened opened,
        ExpiryReaper reaper,
        Map<String, String> settings,
        javax.sql.DataSource dataSource) {
      this.key = key;
      this.backend = opened.backend;
      this.coordination = opened.coordination;
      this.reaper = reaper;
      this.settings = settings;
      this.dataSource = dataSource;
    }

    Lease lease() {
      return new Lease() {
        private boolean released;

        @Override
        public Backend backend() {
          return backend;
        }

        @Override
        public Coordination coordination() {
          return coordination;
        }

        @Override
        public void release() {
          synchronized (SHARED) {
            if (released) {
              return;
            }
            released = true;
            if (--holders == 0) {
              SHARED.remove(key);
              try {
                reaper.close();
              } finally {
                backend.close();
              }
            }
          }
        }
      };
    }
  }
}
