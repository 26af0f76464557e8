package org.pgjcache.examples.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application settings that change at run time on every node at once (the seeds' {@code
 * SyncConfig}: {@code Set}, {@code Get} with a default, {@code GetAll}, {@code Subscribe}). Values
 * are plain JDK types (String, Integer, Boolean, Duration, ...), so any node, and a person with
 * {@code psql}, can read them; a stored value of the wrong type reads as the default, with a
 * warning, rather than failing the caller.
 */
public final class SettingsService {

  /** The cache that holds the settings. */
  public static final String CACHE = "settings";

  private static final Logger LOG = LoggerFactory.getLogger(SettingsService.class);

  private final Cache<String, Serializable> values;

  /**
   * Settings kept in {@code values}.
   *
   * @param values a cache of setting name to value
   */
  public SettingsService(Cache<String, Serializable> values) {
    this.values = values;
  }

  /**
   * The settings of a cache manager, in the cache {@value #CACHE}, created if needed.
   *
   * @param manager any JCache cache manager; pgjcache's makes the settings shared across nodes
   * @return the settings
   */
  public static SettingsService open(CacheManager manager) {
    return new SettingsService(
        TypedCaches.getOrCreate(manager, CACHE, String.class, Serializable.class));
  }

  /**
   * @param setting the setting
   * @param <T> its type
   * @return its value, or its default while it is unset or holds a value of another type
   */
  public <T> T get(Setting<T> setting) {
    return valueOf(setting, values.get(setting.key()));
  }

  private <T> T valueOf(Setting<T> setting, Object stored) {
    if (stored == null) {
      return setting.defaultValue();
    }
    if (!setting.type().isInstance(stored)) {
      LOG.warn(
          "setting '{}' holds a {}, not a {}; using its default {}",
          setting.key(),
          stored.getClass().getName(),
          setting.type().getName(),
          setting.defaultValue());
      return setting.defaultValue();
    }
    return setting.type().cast(stored);
  }

  /**
   * Sets a value on every node.
   *
   * @param setting the setting
   * @param value its new value, not null (use {@link #reset(Setting)} to go back to the default)
   * @param <T> its type
   */
  public <T extends Serializable> void set(Setting<T> setting, T value) {
    values.put(setting.key(), Objects.requireNonNull(value, "value"));
  }

  /**
   * @param setting the setting to unset, so that it has its default again
   */
  public void reset(Setting<?> setting) {
    values.remove(setting.key());
  }

  /**
   * @return every setting that is set, by name
   */
  public Map<String, Object> all() {
    Map<String, Object> all = new TreeMap<>();
    values.forEach(entry -> all.put(entry.getKey(), entry.getValue()));
    return all;
  }

  /**
   * Calls {@code callback} whenever any setting changes, on any node.
   *
   * @param callback receives the name and the new value, null when the setting was reset
   * @return the subscription; close it to stop
   */
  public ChangeSubscription<Serializable> subscribe(BiConsumer<String, Serializable> callback) {
    return ChangeSubscription.subscribe(values, callback);
  }

  /**
   * Calls {@code callback} with a setting's new value whenever it changes, on any node; with its
   * default when it is reset.
   *
   * @param setting the setting to watch
   * @param callback receives its value
   * @param <T> its type
   * @return the subscription; close it to stop
   */
  public <T> ChangeSubscription<Serializable> subscribe(Setting<T> setting, Consumer<T> callback) {
    return subscribe(
        (key, value) -> {
          if (key.equals(setting.key())) {
            callback.accept(valueOf(setting, value));
          }
        });
  }
}
