package org.pgjcache.examples.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A named, typed setting with the value it has until someone sets it. Declaring settings as
 * constants keeps their names, types and defaults in one place instead of at every call site.
 *
 * @param key the setting's name, such as {@code "max_users"}
 * @param type what its values are
 * @param defaultValue its value while unset, never null
 * @param <T> what its values are
 */
public record Setting<T>(String key, Class<T> type, T defaultValue) {

  /**
   * Checks the parts.
   *
   * @throws NullPointerException if any part is null
   */
  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
  }

  /**
   * @param key the setting's name
   * @param defaultValue its value while unset
   * @return a text setting
   */
  public static Setting<String> ofString(String key, String defaultValue) {
    return new Setting<>(key, String.class, defaultValue);
  }

  /**
   * @param key the setting's name
   * @param defaultValue its value while unset
   * @return a whole-number setting
   */
  public static Setting<Integer> ofInt(String key, int defaultValue) {
    return new Setting<>(key, Integer.class, defaultValue);
  }

  /**
   * @param key the setting's name
   * @param defaultValue its value while unset
   * @return a yes/no setting
   */
  public static Setting<Boolean> ofBoolean(String key, boolean defaultValue) {
    return new Setting<>(key, Boolean.class, defaultValue);
  }

  /**
   * @param key the setting's name
   * @param defaultValue its value while unset
   * @return a duration setting
   */
  public static Setting<Duration> ofDuration(String key, Duration defaultValue) {
    return new Setting<>(key, Duration.class, defaultValue);
  }
}
