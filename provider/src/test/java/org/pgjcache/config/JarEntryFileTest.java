package org.pgjcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration file inside a jar ({@code jar:file:...!/pgjcache.yaml}) is read, not ignored:
 * that is the URI Spring Boot ({@code spring.cache.jcache.config=classpath:...}) and Hibernate
 * ({@code hibernate.javax.cache.uri}) pass once the application is packaged.
 */
class JarEntryFileTest {

  @TempDir Path dir;

  @Test
  void readsAYamlFileInsideAJar() throws IOException {
    URI uri = jarWith("config/pgjcache.yaml", "pgjcache:\n  pool-size: 3\n  table: from_jar\n");

    Settings s =
        SettingsResolver.resolve(
            uri, getClass().getClassLoader(), new Properties(), Map.of(), new Properties());

    assertThat(s.poolSize()).isEqualTo(3);
    assertThat(s.table()).isEqualTo("from_jar");
    assertThat(s.file()).contains(uri.toString());
  }

  @Test
  void aMissingEntryFailsInsteadOfBeingIgnored() throws IOException {
    URI present = jarWith("pgjcache.yaml", "pgjcache:\n  pool-size: 3\n");
    URI missing = URI.create(present.toString().replace("!/pgjcache.yaml", "!/other.yaml"));

    assertThatThrownBy(
            () ->
                SettingsResolver.resolve(
                    missing,
                    getClass().getClassLoader(),
                    new Properties(),
                    Map.of(),
                    new Properties()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("other.yaml");
  }

  private URI jarWith(String entry, String content) throws IOException {
    Path jar = dir.resolve("app.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry(entry));
      out.write(content.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return URI.create("jar:" + jar.toUri() + "!/" + entry);
  }
}
