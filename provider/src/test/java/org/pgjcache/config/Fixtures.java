package org.pgjcache.config;

import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.Properties;

/** Hermetic inputs for {@link SettingsResolver}: no real environment, a fixed OS user. */
final class Fixtures {

  static final String OS_USER = "alice";
  static final URI IDENTITY = URI.create("pgjcache:test");

  private Fixtures() {}

  static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  /** System properties as the resolver would see them: a user name and some unrelated JVM keys. */
  static Properties system(String... keyValues) {
    Properties p = props(keyValues);
    p.setProperty("user.name", OS_USER);
    p.setProperty("java.version", "17");
    p.setProperty("pgjcacheX.unrelated", "not ours either");
    return p;
  }

  static ClassLoader loader() {
    return Fixtures.class.getClassLoader();
  }

  static Settings resolve(Properties props) {
    return SettingsResolver.resolve(IDENTITY, loader(), props, Map.of(), system());
  }

  static Settings resolve(URI uri, Properties props, Map<String, String> env, Properties system) {
    return SettingsResolver.resolve(uri, loader(), props, env, system);
  }

  static Settings resolveEnv(Map<String, String> env) {
    return SettingsResolver.resolve(IDENTITY, loader(), new Properties(), env, system());
  }

  static Settings resolveFile(String uri) {
    return SettingsResolver.resolve(
        URI.create(uri), loader(), new Properties(), Map.of(), system());
  }

  /** Makes the resources under {@code config/<dir>/} look like the class path root. */
  static ClassLoader rootedAt(String dir) {
    return new ClassLoader(null) {
      @Override
      public URL getResource(String name) {
        return Fixtures.class.getClassLoader().getResource("config/" + dir + "/" + name);
      }
    };
  }
}
