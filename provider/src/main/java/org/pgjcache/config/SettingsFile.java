package org.pgjcache.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URL;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one layer of configuration that lives outside the process: the file a CacheManager's URI
 * points at. Loading is separate from resolution so that "which file, and what does it say" can
 * fail with messages about the file, while the resolver only deals in flat key/value pairs.
 *
 * <p>Values are kept as the text that was written (YAML {@code yes} stays {@code "yes"} rather than
 * becoming {@code true}, {@code 010} stays {@code "010"}), so the same strict parsing applies to
 * every layer.
 *
 * <p>Parse errors never carry the YAML parser's own message or exception as cause, because those
 * quote the offending source line, which may be the one holding the password; the context, problem
 * and position are copied into the message instead.
 */
final class SettingsFile {

  private static final Logger LOG = LoggerFactory.getLogger(SettingsFile.class);

  /** Files tried, in order, for {@link Settings#DEFAULT_URI}. */
  static final List<String> DEFAULT_RESOURCES =
      List.of("pgjcache.yaml", "pgjcache.yml", "pgjcache.properties");

  private static final YAMLFactory YAML = new YAMLFactory();

  private final String source;
  private final Map<String, String> values;

  private SettingsFile(String source, Map<String, String> values) {
    this.source = source;
    this.values = Collections.unmodifiableMap(values);
  }

  /** Where the file came from, as {@code classpath:x.yaml} or {@code file:/abs/x.yaml}. */
  String source() {
    return source;
  }

  /** Settings the file defines, keyed without the {@code pgjcache.} prefix, in file order. */
  Map<String, String> values() {
    return values;
  }

  /**
   * Loads the file a CacheManager URI names.
   *
   * @return empty if the URI names no file (an identity-only URI, or the default URI with no
   *     default file on the class path)
   * @throws CacheException if the URI names a file that is missing, unreadable or malformed
   */
  static Optional<SettingsFile> forUri(URI uri, ClassLoader classLoader) {
    if (Settings.DEFAULT_URI.equals(uri)) {
      return loadDefault(classLoader);
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      String path = uri.getPath();
      if (path != null && path.startsWith("/")) {
        return Optional.of(loadPath(uri, Path.of(path)));
      }
      if (path != null && hasKnownExtension(path)) {
        throw new CacheException(
            "CacheManager URI "
                + uri
                + " looks like a relative file path; use an"
                + " absolute path, file:/absolute/path or classpath:"
                + path);
      }
      return Optional.empty();
    }
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "classpath":
        {
          String resource = uri.getSchemeSpecificPart();
          while (resource.startsWith("/")) {
            resource = resource.substring(1);
          }
          requireKnownExtension(uri, resource);
          URL url = classLoader.getResource(resource);
          if (url == null) {
            throw new CacheException(
                "Configuration file for CacheManager URI "
                    + uri
                    + " not found: no resource "
                    + resource
                    + " on the class path");
          }
          return Optional.of(load("classpath:" + resource, resource, url));
        }
      case "file":
        {
          Path path;
          try {
            path = Path.of(uri);
          } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new CacheException(
                "CacheManager URI "
                    + uri
                    + " is not a usable file URI ("
                    + e.getMessage()
                    + "); use file:/absolute/path",
                e);
          }
          return Optional.of(loadPath(uri, path));
        }
      case "jar":
        return Optional.of(loadJarEntry(uri));
      default:
        return Optional.empty();
    }
  }

  /**
   * A file inside a jar, as {@code jar:file:/app.jar!/pgjcache.yaml}: what Spring's {@code
   * Resource.getURI()} and Hibernate's resource lookup hand over for a class path file once the
   * application is packaged.
   */
  private static SettingsFile loadJarEntry(URI uri) {
    String spec = uri.toString();
    int bang = spec.lastIndexOf("!/");
    String entry = bang < 0 ? spec : spec.substring(bang + 2);
    requireKnownExtension(uri, entry);
    URL url;
    try {
      url = uri.toURL();
    } catch (java.net.MalformedURLException | IllegalArgumentException e) {
      throw new CacheException(
          "CacheManager URI " + uri + " is not a usable jar URL (" + e.getMessage() + ")", e);
    }
    return load(spec, entry.substring(entry.lastIndexOf('/') + 1), url);
  }

  private static Optional<SettingsFile> loadDefault(ClassLoader classLoader) {
    List<URL> found = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String name : DEFAULT_RESOURCES) {
      URL url = classLoader.getResource(name);
      if (url != null) {
        found.add(url);
        names.add(name);
      }
    }
    if (found.isEmpty()) {
      LOG.debug("No {} on the class path; using defaults", DEFAULT_RESOURCES);
      return Optional.empty();
    }
    if (found.size() > 1) {
      LOG.warn(
          "Several default configuration files on the class path: {}; using only {}",
          names,
          names.get(0));
    }
    return Optional.of(load("classpath:" + names.get(0), names.get(0), found.get(0)));
  }

  private static SettingsFile loadPath(URI uri, Path path) {
    Path abs = path.toAbsolutePath().normalize();
    String source = "file:" + abs;
    requireKnownExtension(uri, abs.toString());
    if (!Files.exists(abs)) {
      throw new CacheException(
          "Configuration file for CacheManager URI "
              + uri
              + " not found: "
              + abs
              + " does not exist");
    }
    if (!Files.isRegularFile(abs)) {
      throw new CacheException(
          "Configuration file for CacheManager URI " + uri + " is not a regular file: " + abs);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(abs);
    } catch (IOException e) {
      throw new CacheException("Cannot read configuration file " + source + ": " + e, e);
    }
    return parse(source, abs.getFileName().toString(), bytes);
  }

  private static SettingsFile load(String source, String name, URL url) {
    byte[] bytes;
    try (InputStream in = url.openStream()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new CacheException(
          "Cannot read configuration file " + source + " (" + url + "): " + e, e);
    }
    return parse(source, name, bytes);
  }

  /** Parses file contents; the file name decides the format. */
  private static SettingsFile parse(String source, String name, byte[] bytes) {
    Map<String, String> values =
        name.toLowerCase(Locale.ROOT).endsWith(".properties")
            ? parseProperties(source, bytes)
            : parseYaml(source, bytes);
    LOG.debug("Loaded {} setting(s) from {}", values.size(), source);
    return new SettingsFile(source, values);
  }

  private static boolean hasKnownExtension(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".yaml") || p.endsWith(".yml") || p.endsWith(".properties");
  }

  private static void requireKnownExtension(URI uri, String path) {
    if (!hasKnownExtension(path)) {
      throw new CacheException(
          "CacheManager URI "
              + uri
              + " names an unsupported configuration file "
              + path
              + "; the name must end in .yaml, .yml or .properties");
    }
  }

  // ---------------------------------------------------------------- properties

  private static Map<String, String> parseProperties(String source, byte[] bytes) {
    Properties props = new Properties();
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (Reader reader = new InputStreamReader(new ByteArrayInputStream(bytes), utf8)) {
      props.load(reader);
    } catch (MalformedInputException e) {
      throw new CacheException("Malformed configuration file " + source + ": not valid UTF-8", e);
    } catch (IllegalArgumentException e) {
      // Properties.load reports a bad \\uXXXX escape this way; the message names only the escape
      throw new CacheException("Malformed configuration file " + source + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CacheException("Cannot read configuration file " + source + ": " + e, e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : new java.util.TreeSet<>(props.stringPropertyNames())) {
      if (name.startsWith(Keys.PREFIX)) {
        values.put(name.substring(Keys.PREFIX.length()), props.getProperty(name));
      } else if (Keys.isKnown(name)) {
        throw new CacheException(
            "Setting " + name + " in " + source + " lacks the prefix; write " + Keys.PREFIX + name);
      } else {
        LOG.debug("Ignoring {} in {}: not a {} setting", name, source, Keys.PREFIX);
      }
    }
    return values;
  }

  // ---------------------------------------------------------------- YAML

  private static Map<String, String> parseYaml(String source, byte[] bytes) {
    Map<String, String> values = new LinkedHashMap<>();
    try (JsonParser p = YAML.createParser(bytes)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return values; // empty document
      }
      if (t != JsonToken.START_OBJECT) {
        throw malformed(source, p, "the top level must be a mapping with a pgjcache: key");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String top = p.currentName();
        JsonToken v = p.nextToken();
        if ("pgjcache".equals(top)) {
          if (v == JsonToken.START_OBJECT) {
            readMapping(source, p, "", values);
          } else if (v != JsonToken.VALUE_NULL) {
            throw malformed(source, p, "pgjcache: must be a mapping of settings");
          }
        } else if (Keys.isKnown(top) || top.equals("caches")) {
          throw malformed(source, p, "setting " + top + " must be nested under pgjcache:");
        } else {
          LOG.debug("Ignoring top-level key {} in {}", top, source);
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw malformed(source, p, "more than one YAML document; put all settings in one");
      }
    } catch (JsonProcessingException e) {
      throw yamlError(source, e);
    } catch (IOException e) {
      throw new CacheException("Cannot read configuration file " + source + ": " + e, e);
    }
    return values;
  }

  /**
   * Reads the mapping whose START_OBJECT is the current token, flattening nested keys with dots.
   */
  private static void readMapping(
      String source, JsonParser p, String prefix, Map<String, String> out) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = prefix + p.currentName();
      JsonToken v = p.nextToken();
      switch (v) {
        case START_OBJECT -> readMapping(source, p, key + ".", out);
        case START_ARRAY -> put(source, p, out, key, readList(source, p, key));
        case VALUE_NULL -> throw malformed(source, p, "setting " + key + " has no value");
        default -> put(source, p, out, key, p.getText());
      }
    }
  }

  private static String readList(String source, JsonParser p, String key) throws IOException {
    List<String> items = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY || t == JsonToken.VALUE_NULL) {
        throw malformed(source, p, "setting " + key + " must be a list of plain values");
      }
      items.add(p.getText());
    }
    return String.join(",", items);
  }

  private static void put(
      String source, JsonParser p, Map<String, String> out, String key, String value) {
    if (out.putIfAbsent(key, value) != null) {
      throw malformed(source, p, "setting " + key + " is defined more than once");
    }
  }

  private static CacheException malformed(String source, JsonParser p, String problem) {
    var loc = p.currentLocation();
    String where = loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr();
    return new CacheException("Malformed configuration file " + source + where + ": " + problem);
  }

  private static CacheException yamlError(String source, JsonProcessingException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
        StringBuilder sb = new StringBuilder("Malformed configuration file ").append(source);
        if (m.getProblemMark() != null) {
          sb.append(" at line ")
              .append(m.getProblemMark().getLine() + 1)
              .append(", column ")
              .append(m.getProblemMark().getColumn() + 1);
        }
        sb.append(": ");
        if (m.getContext() != null) {
          sb.append(m.getContext()).append(", ");
        }
        sb.append(m.getProblem());
        return new CacheException(sb.toString());
      }
    }
    // Not a positioned YAML error; keep the first line, which is the problem, not a source quote.
    String msg =
        e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    int nl = msg.indexOf('\n');
    if (nl >= 0) {
      msg = msg.substring(0, nl);
    }
    var loc = e.getLocation();
    String where = loc == null || loc.getLineNr() < 0 ? "" : " at line " + loc.getLineNr();
    return new CacheException("Malformed configuration file " + source + where + ": " + msg);
  }
}
