package org.pgjcache.examples.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A subscription callback that writes down what it was called with, for assertions.
 *
 * @param <V> the value type
 */
public final class Recorded<V> implements BiConsumer<String, V> {

  /** One call. */
  public record Change<V>(String key, V value) {}

  private final List<Change<V>> changes = new CopyOnWriteArrayList<>();

  @Override
  public void accept(String key, V value) {
    changes.add(new Change<>(key, value));
  }

  /**
   * @return the calls so far, oldest first
   */
  public List<Change<V>> changes() {
    return List.copyOf(changes);
  }
}
