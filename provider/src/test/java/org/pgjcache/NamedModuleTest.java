package org.pgjcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.pgjcache.testkit.TestDatabase;

/**
 * The provider as the named module {@code org.pgjcache}: it exports only the packages a user may
 * name, and it runs on the module path (every module it needs resolves, ServiceLoader finds it, a
 * cache works) — the other tests run it on the class path.
 */
class NamedModuleTest {

  private static final Set<String> API = Set.of("org.pgjcache");

  /** The jars of the provider's runtime dependencies on the test class path. */
  private static final List<String> DEPENDENCIES =
      List.of(
          "cache-api", "postgresql", "HikariCP", "jackson-", "snakeyaml", "slf4j-api", "caffeine");

  private static ModuleDescriptor descriptor() throws Exception {
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  private static Path classes() throws Exception {
    return Path.of(
        PgCachingProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void exportsOnlyThePublicApiAndProvidesTheCachingProvider() throws Exception {
    ModuleDescriptor module = descriptor();
    assertThat(module.name()).isEqualTo("org.pgjcache");
    assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
    assertThat(
            module.exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet()))
        .isEqualTo(API);
    assertThat(module.opens()).isEmpty();
    assertThat(module.provides())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.service()).isEqualTo(CachingProvider.class.getName());
              assertThat(p.providers()).containsExactly(PgCachingProvider.class.getName());
            });
  }

  @Test
  void runsOnTheModulePath() throws Exception {
    Path[] path = modulePath();
    ModuleFinder finder = ModuleFinder.of(path);
    Configuration configuration =
        ModuleLayer.boot()
            .configuration()
            .resolve(finder, ModuleFinder.of(), Set.of("org.pgjcache"));
    ModuleLayer layer =
        ModuleLayer.boot()
            .defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
    Module pgjcache = layer.findModule("org.pgjcache").orElseThrow();
    assertThat(pgjcache.isNamed()).isTrue();
    assertThat(pgjcache.getPackages())
        .as("internal packages exist and stay unexported")
        .contains("org.pgjcache.backend.postgres", "org.pgjcache.cache", "org.pgjcache.store")
        .allSatisfy(p -> assertThat(pgjcache.isExported(p)).as(p).isEqualTo(API.contains(p)));

    // javax.cache is a module of that layer too: everything below goes through reflection on its
    // classes
    ClassLoader loader = pgjcache.getClassLoader();
    Class<?> service = Class.forName(CachingProvider.class.getName(), true, loader);
    Object provider = ServiceLoader.load(layer, service).findFirst().orElseThrow();
    assertThat(provider.getClass().getModule()).isSameAs(pgjcache);

    TestDatabase db = TestDatabase.get();
    Properties props = new Properties();
    props.setProperty("pgjcache.jdbc-url", db.createDatabase("module"));
    props.setProperty("pgjcache.user", db.user());
    if (!db.password().isEmpty()) {
      props.setProperty("pgjcache.password", db.password());
    }
    props.setProperty("pgjcache.shared-backend", "false");
    Object manager =
        provider
            .getClass()
            .getMethod("getCacheManager", URI.class, ClassLoader.class, Properties.class)
            .invoke(provider, URI.create("pgjcache:module"), loader, props);
    try {
      Class<?> configClass =
          Class.forName("javax.cache.configuration.MutableConfiguration", true, loader);
      Object config = configClass.getConstructor().newInstance();
      configClass
          .getMethod("setTypes", Class.class, Class.class)
          .invoke(config, String.class, String.class);
      Class<?> configurationType =
          Class.forName("javax.cache.configuration.Configuration", true, loader);
      // through the exported interfaces only: the manager's own class is internal
      Class<?> managerType = Class.forName("javax.cache.CacheManager", true, loader);
      Object cache =
          managerType
              .getMethod("createCache", String.class, configurationType)
              .invoke(manager, "c", config);
      Class<?> cacheType = Class.forName("javax.cache.Cache", true, loader);
      cacheType.getMethod("put", Object.class, Object.class).invoke(cache, "k", "v");
      assertThat(cacheType.getMethod("get", Object.class).invoke(cache, "k")).isEqualTo("v");
      Class<?> api = Class.forName("org.pgjcache.PgCacheManager", true, loader);
      Object unwrapped = managerType.getMethod("unwrap", Class.class).invoke(manager, api);
      Object sync = api.getMethod("sync").invoke(unwrapped);
      Class<?> syncType = Class.forName("org.pgjcache.NodeSync", true, loader);
      assertThat(syncType.getMethod("nodeId").invoke(sync)).isNotNull();
    } finally {
      Method close = Class.forName("javax.cache.CacheManager", true, loader).getMethod("close");
      close.invoke(manager);
    }
  }

  /** The provider's classes and the jars of its dependencies, from the test class path. */
  private static Path[] modulePath() throws Exception {
    List<Path> jars =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .filter(p -> p.getFileName().toString().endsWith(".jar"))
            .filter(
                p -> DEPENDENCIES.stream().anyMatch(d -> p.getFileName().toString().startsWith(d)))
            .toList();
    assertThat(jars)
        .as("dependency jars on the class path")
        .hasSizeGreaterThanOrEqualTo(DEPENDENCIES.size());
    Path[] path = new Path[jars.size() + 1];
    path[0] = classes();
    for (int i = 0; i < jars.size(); i++) {
      path[i + 1] = jars.get(i);
    }
    return path;
  }
}
