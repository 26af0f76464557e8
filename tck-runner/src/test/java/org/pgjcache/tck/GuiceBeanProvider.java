package org.pgjcache.tck;

import com.google.inject.Guice;
import com.google.inject.Injector;
import javax.cache.annotation.BeanProvider;
import org.jsr107.ri.annotations.guice.module.CacheAnnotationsModule;

/**
 * The {@link BeanProvider} the TCK's annotation tests load through {@link java.util.ServiceLoader}
 * (see {@code META-INF/services/javax.cache.annotation.BeanProvider}).
 *
 * <p>The TCK asks it for its annotated {@code manager.*BlogManagerImpl} classes; Guice builds them
 * just in time and the JSR-107 annotations RI's {@link CacheAnnotationsModule} intercepts their
 * {@code @CacheResult}/{@code @CachePut}/{@code @CacheRemove}/{@code @CacheRemoveAll} methods. The
 * RI resolves caches from {@code Caching.getCachingProvider()}'s default {@code CacheManager}, i.e.
 * from the implementation under test.
 *
 * <p>Each call builds a new injector. The RI's default {@code CacheResolverFactory} captures the
 * default {@code CacheManager} when it is injected, and many TCK tests close the caching provider
 * (and with it that manager) before the annotation tests run; an injector made once per JVM then
 * hands the annotation tests a closed manager. A fresh injector sees the current one. The TCK asks
 * for a bean a few times per annotation test, so the cost is small.
 *
 * <p>If this class fails to load, the TCK does not fail: it silently passes every annotation test.
 * {@link RunnerSelfCheckTest} makes sure that cannot go unnoticed.
 */
public final class GuiceBeanProvider implements BeanProvider {

  @Override
  public <T> T getBeanByType(Class<T> beanClass) {
    Injector injector = Guice.createInjector(new CacheAnnotationsModule());
    return injector.getInstance(beanClass);
  }
}
