package org.pgjcache;

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
import org.pgjcache.backend.postgres.PostgresBackend;
import org.pgjcache.config.Settings;
import org.pgjcache.config.SettingsResolver;
import org.pgjcache.manager.PgCacheManagerImpl;

/**
 * pgjcache's {@link CachingProvider}. A cache manager is identified by class loader and URI, as the
 * spec requires; its settings come from the properties given, {@code pgjcache.*} system properties,
 * the file the URI names, {@code PGJCACHE_*} and libpq environment variables, then defaults.
 */
public final class PgCachingProvider implements CachingProvider {

  private final Map<ClassLoader, Map<URI, PgCacheManagerImpl>> managers = new WeakHashMap<>();

  @Override
  public synchronized CacheManager getCacheManager(
      URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties props = properties == null ? new Properties() : properties;
    Map<URI, PgCacheManagerImpl> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
    PgCacheManagerImpl manager = byUri.get(managerUri);
    if (manager == null || manager.isClosed()) {
      Settings settings = SettingsResolver.resolve(managerUri, loader, props);
      PgCacheManagerImpl[] created = new PgCacheManagerImpl[1];
      created[0] =
          new PgCacheManagerImpl(
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

  private synchronized void forget(ClassLoader loader, URI uri, PgCacheManagerImpl manager) {
    Map<URI, PgCacheManagerImpl> byUri = managers.get(loader);
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
    List<PgCacheManagerImpl> all = new ArrayList<>();
    synchronized (this) {
      managers.values().forEach(byUri -> all.addAll(byUri.values()));
    }
    all.forEach(PgCacheManagerImpl::close);
  }

  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    List<PgCacheManagerImpl> some = new ArrayList<>();
    synchronized (this) {
      Map<URI, PgCacheManagerImpl> byUri = managers.get(loader);
      if (byUri != null) {
        some.addAll(byUri.values());
      }
    }
    some.forEach(PgCacheManagerImpl::close);
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    PgCacheManagerImpl manager;
    synchronized (this) {
      Map<URI, PgCacheManagerImpl> byUri = managers.get(loader);
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

  /**
   * The statements that create pgjcache's tables for the settings {@code properties} resolve to (as
   * a manager given them would: with system properties, the settings file, {@code PGJCACHE_*} and
   * defaults): for a DBA to run where the application's role may not run DDL ({@code ddl=false}).
   * They are idempotent, and bring tables of an earlier version up to date.
   */
  public static List<String> ddl(Properties properties) {
    return PostgresBackend.ddl(
        SettingsResolver.resolve(null, PgCachingProvider.class.getClassLoader(), properties));
  }
}
