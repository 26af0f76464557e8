package org.pgjcache.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import javax.cache.annotation.BeanProvider;
import manager.UsingDefaultCacheNameBlogManagerImpl;
import org.junit.Test;

/**
 * Checks the runner itself. The TCK passes tests it cannot run instead of failing them: annotation
 * tests when no {@link BeanProvider} loads, {@code testUnwrap} when the unwrap class does not load,
 * anything listed in {@code ExcludeList}. These checks turn each of those into a failure.
 */
public class RunnerSelfCheckTest {

  private static final String CANARY = "org.jsr107.tck.CachingTest#dummyTest";

  @Test
  public void annotationTestsGetAnInterceptingBeanProvider() {
    List<BeanProvider> providers =
        ServiceLoader.load(BeanProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toList());
    assertEquals(1, providers.size());
    assertTrue(providers.get(0) instanceof GuiceBeanProvider);

    Object bean = providers.get(0).getBeanByType(UsingDefaultCacheNameBlogManagerImpl.class);
    assertNotEquals(
        "Guice should return an intercepted subclass",
        UsingDefaultCacheNameBlogManagerImpl.class,
        bean.getClass());
  }

  @Test
  public void unwrapClassesAreNamedAndLoad() throws ClassNotFoundException {
    for (String key :
        List.of("javax.cache.CacheManager", "javax.cache.Cache", "javax.cache.Cache.Entry")) {
      String className = System.getProperty(key);
      assertNotNull("system property " + key, className);
      assertNotNull(Class.forName(className.trim()));
    }
  }

  @Test
  public void excludeListHoldsOnlyTheCanary() throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("ExcludeList")) {
      assertNotNull("ExcludeList on the test classpath", in);
      List<String> entries =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .lines()
              .map(String::trim)
              .filter(line -> !line.isEmpty() && !line.startsWith("#"))
              .collect(Collectors.toList());
      assertEquals(List.of(CANARY), entries);
    }
  }

  @Test
  public void databaseIsHandedToTheProvider() {
    String jdbcUrl = System.getProperty(TckDatabaseListener.JDBC_URL);
    assertNotNull(TckDatabaseListener.JDBC_URL + " set by TckDatabaseListener", jdbcUrl);
    assertTrue(jdbcUrl, jdbcUrl.startsWith("jdbc:postgresql:"));
    assertNotNull(System.getProperty(TckDatabaseListener.USER));
    assertNotNull(System.getProperty(TckDatabaseListener.PASSWORD));
    assertFalse(System.getProperty("pgjcache.serialization.allow", "").isBlank());
  }
}
