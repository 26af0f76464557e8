package org.pgjcache.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * Coordinates of a PostgreSQL server plus the credentials to use, able to write a self-sufficient
 * JDBC URL (one that carries the user and password) for any database on that server.
 */
final class Endpoint {

  private static final Pattern URL =
      Pattern.compile("^jdbc:postgresql://([^/?#]+)(?:/([^?#]*))?(?:\\?(.*))?$");

  private final String hosts;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final List<String> otherParameters;

  private Endpoint(
      String hosts,
      String host,
      int port,
      String database,
      String user,
      String password,
      List<String> otherParameters) {
    this.hosts = hosts;
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = Objects.requireNonNull(user, "user");
    this.password = password == null ? "" : password;
    this.otherParameters = List.copyOf(otherParameters);
  }

  /** A single-host server. */
  static Endpoint of(String host, int port, String database, String user, String password) {
    String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return new Endpoint(hostPart + ":" + port, host, port, database, user, password, List.of());
  }

  /**
   * Parses a {@code jdbc:postgresql://host[:port][,host[:port]...]/database?params} URL. {@code
   * user} and {@code password}, when non-null, override the URL's parameters of the same names;
   * without either, the user is pgjdbc's default (the OS user name) and there is no password.
   */
  static Endpoint parse(String url, String user, String password) {
    Matcher matcher = URL.matcher(url);
    Properties parsed = Driver.parseURL(url, new Properties());
    if (!matcher.matches() || parsed == null) {
      throw new IllegalArgumentException(
          "Not a jdbc:postgresql://host[:port]/database[?parameters] URL: " + redact(url));
    }
    List<String> others = new ArrayList<>();
    String query = matcher.group(3);
    if (query != null) {
      for (String parameter : query.split("&")) {
        String name = parameter.split("=", 2)[0];
        if (!parameter.isEmpty() && !name.equals("user") && !name.equals("password")) {
          others.add(parameter);
        }
      }
    }
    String effectiveUser =
        user != null
            ? user
            : parsed.getProperty("user", System.getProperty("user.name", "postgres"));
    String effectivePassword = password != null ? password : parsed.getProperty("password", "");
    String host = parsed.getProperty("PGHOST", "localhost").split(",")[0];
    int port = Integer.parseInt(parsed.getProperty("PGPORT", "5432").split(",")[0]);
    String database = parsed.getProperty("PGDBNAME", "");
    if (database.isEmpty()) {
      database = effectiveUser; // what the server picks when the URL names no database
    }
    return new Endpoint(
        matcher.group(1), host, port, database, effectiveUser, effectivePassword, others);
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  String database() {
    return database;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** The JDBC URL of this endpoint's own database. */
  String jdbcUrl() {
    return jdbcUrl(database);
  }

  /**
   * A JDBC URL for {@code databaseName} on this server, carrying the user and (when there is one)
   * password.
   */
  String jdbcUrl(String databaseName) {
    StringBuilder url =
        new StringBuilder("jdbc:postgresql://")
            .append(hosts)
            .append('/')
            .append(encode(databaseName));
    char separator = '?';
    for (String parameter : otherParameters) {
      url.append(separator).append(parameter);
      separator = '&';
    }
    url.append(separator).append("user=").append(encode(user));
    if (!password.isEmpty()) {
      url.append("&password=").append(encode(password));
    }
    return url.toString();
  }

  /** {@code url} with the value of a {@code password} parameter masked, for logs and messages. */
  static String redact(String url) {
    return url == null ? null : url.replaceAll("([?&]password=)[^&]*", "$1***");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return redact(jdbcUrl());
  }
}
