package org.pgjcache.config;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JDBC URL handling that must never leak a password: building one from libpq-style parts, reducing
 * one to "host:port/database" for error messages, and masking credentials for logs.
 */
public final class JdbcUrls {

  static final String POSTGRES_PREFIX = "jdbc:postgresql:";
  static final int DEFAULT_PORT = 5432;

  /** pgjdbc's URL parameters for the credentials. */
  static final String USER_PARAM = "user";

  static final String PASSWORD_PARAM_NAME = "password";

  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;][a-z]*password=)[^&;]*");
  private static final Pattern USERINFO = Pattern.compile("//[^/?@]*@");

  private JdbcUrls() {}

  /**
   * Masks {@code password=} (and {@code sslpassword=}) parameters and any {@code user:secret@}
   * part.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String s = PASSWORD_PARAM.matcher(url).replaceAll("$1****");
    return USERINFO.matcher(s).replaceAll("//****@");
  }

  /**
   * "host:port/database" for a PostgreSQL JDBC URL (several hosts are joined with commas), with
   * pgjdbc's defaults filled in; for other URLs (wrappers such as {@code jdbc:tc:}) the URL without
   * its query string and credentials.
   */
  static String describe(String url, String defaultDatabase) {
    if (!url.startsWith(POSTGRES_PREFIX)) {
      int q = url.indexOf('?');
      return redact(q < 0 ? url : url.substring(0, q));
    }
    String rest = url.substring(POSTGRES_PREFIX.length());
    int q = rest.indexOf('?');
    if (q >= 0) {
      rest = rest.substring(0, q);
    }
    String authority = "";
    String path;
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
      path = slash < 0 ? "" : rest.substring(slash + 1);
    } else {
      path = rest.startsWith("/") ? rest.substring(1) : rest;
    }
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    List<String> hosts = new ArrayList<>();
    try {
      for (Host h : hosts(authority)) {
        String name = h.name().indexOf(':') >= 0 ? "[" + h.name() + "]" : h.name();
        hosts.add(name + ":" + (h.port().isEmpty() ? DEFAULT_PORT : h.port()));
      }
    } catch (IllegalArgumentException e) {
      hosts = List.of(redact(authority));
    }
    String database = decode(path);
    if (database.isEmpty()) {
      database = defaultDatabase;
    }
    return String.join(",", hosts) + "/" + database;
  }

  /**
   * One host of a URL's comma-separated host list ({@code host[:port]} or {@code [v6][:port]}): its
   * name, an IPv6 literal without brackets, {@code localhost} when empty; its port as written,
   * empty for the default.
   */
  public record Host(String name, String port) {}

  /**
   * The hosts of a URL's authority in order, as pgjdbc reads them; the LISTEN client connects to
   * them and messages name them, so both read them here.
   *
   * @throws IllegalArgumentException for an unclosed {@code [} or text after {@code ]} that is not
   *     a port (the message quotes nothing of the URL)
   */
  public static List<Host> hosts(String authority) {
    List<Host> hosts = new ArrayList<>();
    for (String one : authority.split(",", -1)) {
      String name;
      String port;
      if (one.startsWith("[")) {
        int close = one.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("unclosed '[' in host");
        }
        name = one.substring(1, close);
        String after = one.substring(close + 1);
        if (!after.isEmpty() && !after.startsWith(":")) {
          throw new IllegalArgumentException("unexpected text after ']' in host");
        }
        port = after.isEmpty() ? "" : after.substring(1);
      } else {
        int colon = one.indexOf(':');
        name = colon < 0 ? one : one.substring(0, colon);
        port = colon < 0 ? "" : one.substring(colon + 1);
      }
      hosts.add(new Host(name.isEmpty() ? "localhost" : name, port));
    }
    return hosts;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // a stray '%' - pgjdbc would reject the URL when connecting; show the raw text here
      return s;
    }
  }

  /**
   * The {@code key=value} parameters of the URL's query string, decoded; a repeated key keeps its
   * last value (as pgjdbc does). A parameter that cannot be decoded is taken as written: pgjdbc
   * rejects such a URL when connecting, with its own message.
   */
  static Map<String, String> parameters(String url) {
    Map<String, String> params = new HashMap<>();
    int q = url.indexOf('?');
    if (q < 0) {
      return params;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      params.put(
          decode(eq < 0 ? pair : pair.substring(0, eq)),
          eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return params;
  }

  /**
   * The URL without its {@code user} and {@code password} parameters (every other parameter kept as
   * written, in order), for a driver that must take the credentials from its properties: pgjdbc
   * lets a URL parameter win over a property of the same name.
   */
  static String withoutCredentials(String url) {
    int q = url.indexOf('?');
    if (q < 0) {
      return url;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (!pair.isEmpty() && !key.equals(USER_PARAM) && !key.equals(PASSWORD_PARAM_NAME)) {
        kept.add(pair);
      }
    }
    return kept.isEmpty() ? url.substring(0, q) : url.substring(0, q + 1) + String.join("&", kept);
  }

  /**
   * Builds {@code jdbc:postgresql://host:port/database} from libpq's conventions: comma-separated
   * host lists with either one port for all or one port per host.
   *
   * @throws IllegalArgumentException naming the variable that cannot be used
   */
  static String fromLibpq(String hostList, String portList, String database) {
    String[] hosts = hostList.split(",", -1);
    String[] ports = portList.split(",", -1);
    if (ports.length != 1 && ports.length != hosts.length) {
      throw new IllegalArgumentException(
          "PGPORT lists "
              + ports.length
              + " ports but PGHOST lists "
              + hosts.length
              + " hosts; give one port, or one per host");
    }
    StringBuilder sb = new StringBuilder("jdbc:postgresql://");
    for (int i = 0; i < hosts.length; i++) {
      String host = hosts[i].strip();
      String port = (ports.length == 1 ? ports[0] : ports[i]).strip();
      if (host.isEmpty()) {
        host = "localhost";
      }
      if (host.startsWith("/") || host.startsWith("@")) {
        throw new IllegalArgumentException(
            "PGHOST entry "
                + host
                + " is a Unix-domain socket, which the"
                + " PostgreSQL JDBC driver cannot connect to; set PGHOST to a host name or set pgjcache.jdbc-url");
      }
      if (port.isEmpty()) {
        port = Integer.toString(DEFAULT_PORT);
      }
      int p;
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("PGPORT entry " + port + " is not a port number", e);
      }
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("PGPORT entry " + port + " is not between 1 and 65535");
      }
      if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
        host = "[" + host + "]"; // IPv6 literal
      }
      if (i > 0) {
        sb.append(',');
      }
      sb.append(host).append(':').append(p);
    }
    sb.append('/').append(URLEncoder.encode(database, StandardCharsets.UTF_8));
    return sb.toString();
  }
}
