package org.pgjcache.support;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriter;

/** A write-through writer that only records what it was asked to write and delete. */
public final class RecordingWriter implements CacheWriter<String, String>, Serializable {

  private static final long serialVersionUID = 1L;

  private final transient List<String> written = new CopyOnWriteArrayList<>();
  private final transient List<String> deleted = new CopyOnWriteArrayList<>();

  /** Makes {@code configuration} write through to this writer instance. */
  public MutableConfiguration<String, String> on(
      MutableConfiguration<String, String> configuration) {
    return configuration
        .setWriteThrough(true)
        .setCacheWriterFactory(FactoryBuilder.factoryOf(this));
  }

  public List<String> written() {
    return List.copyOf(written);
  }

  public List<String> deleted() {
    return List.copyOf(deleted);
  }

  @Override
  public void write(Cache.Entry<? extends String, ? extends String> entry) {
    written.add(entry.getKey());
  }

  @Override
  public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
    entries.forEach(this::write);
    entries.clear();
  }

  @Override
  public void delete(Object key) {
    deleted.add((String) key);
  }

  @Override
  public void deleteAll(Collection<?> keys) {
    keys.forEach(this::delete);
    keys.clear();
  }
}
