package org.pgjcache.spi;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.pgjcache.config.Settings;
import org.pgjcache.config.SettingsResolver;
import org.pgjcache.manager.PgCacheManager;

/**
 * pgjcache's {@link CachingProvider}. A cache manager is identified by class loader and URI, as the
 * spec requires; its settings come from the properties given, {@code pgjcache.*} system properties,
 * the file the URI names, {@code PGJCACHE_*} and libpq environment variables, then defaults.
 */
public final class PgCachingProvider implements CachingProvider {

  private final Map<ClassLoader, Map<URI, PgCacheManager>> managers = new WeakHashMap<>();

  @Override
  public synchronized CacheManager getCacheManager(
      URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties props = properties == null ? new Properties() : properties;
    Map<URI, PgCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
    PgCacheManager manager = byUri.get(managerUri);
    if (manager == null || manager.isClosed()) {
      Settings settings = SettingsResolver.resolve(managerUri, loader, props);
      PgCacheManager[] created = new PgCacheManager[1];
      created[0] =
          new PgCacheManager(
              this,
              managerUri,
              loader,
              props,
              settings,
              () -> forget(loader, managerUri, created[0]));
      manager = created[0];
      byUri.put(managerUri, manager);
    }
    return manager;
  }

  private synchronized void forget(ClassLoader loader, URI uri, PgCacheManager manager) {
    Map<URI, PgCacheManager> byUri = managers.get(loader);
    if (byUri != null && byUri.get(uri) == manager) {
      byUri.remove(uri);
      if (byUri.isEmpty()) {
        managers.remove(loader);
      }
    }
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    return getClass().getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return Settings.DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader());
  }

  @Override
  public void close() {
    List<PgCacheManager> all = new ArrayList<>();
    synchronized (this) {
      managers.values().forEach(byUri -> all.addAll(byUri.values()));
    }
    all.forEach(PgCacheManager::close);
  }

  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    List<PgCacheManager> some = new ArrayList<>();
    synchronized (this) {
      Map<URI, PgCacheManager> byUri = managers.get(loader);
      if (byUri != null) {
        some.addAll(byUri.values());
      }
    }
    some.forEach(PgCacheManager::close);
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    PgCacheManager manager;
    synchronized (this) {
      Map<URI, PgCacheManager> byUri = managers.get(loader);
      manager = byUri == null ? null : byUri.get(managerUri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    return optionalFeature == OptionalFeature.STORE_BY_REFERENCE;
  }
}
