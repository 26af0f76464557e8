package org.pgjcache.backend.postgres.listen;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.pgjcache.config.JdbcUrls;

/**
 * Where and as whom the LISTEN connection logs in, taken from the same JDBC URL the pool uses so
 * that the user configures the database once.
 *
 * @param host host name or IP literal (IPv6 without brackets)
 * @param port TCP port
 * @param database database name
 * @param user role name
 * @param password password, or {@code null} if the server is not expected to ask for one
 * @param sslMode whether to use TLS and whether to verify the server
 * @param applicationName shown in {@code pg_stat_activity}, or {@code null}
 * @param tls certificate files and choices for TLS
 */
public record ListenTarget(
    String host,
    int port,
    String database,
    String user,
    String password,
    SslMode sslMode,
    String applicationName,
    TlsOptions tls) {

  private static final String PREFIX = "jdbc:postgresql:";
  private static final int DEFAULT_PORT = 5432;
  private static final Set<String> LIBPQ_FACTORIES =
      Set.of("org.postgresql.ssl.LibPQFactory", "org.postgresql.ssl.jdbc4.LibPQFactory");

  public ListenTarget {
    requireText(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
    }
    requireText(database, "database");
    requireText(user, "user");
    Objects.requireNonNull(sslMode, "sslMode");
    Objects.requireNonNull(tls, "tls");
  }

  /** A target with pgjdbc's default TLS files ({@link TlsOptions#DEFAULTS}). */
  public ListenTarget(
      String host,
      int port,
      String database,
      String user,
      String password,
      SslMode sslMode,
      String applicationName) {
    this(host, port, database, user, password, sslMode, applicationName, TlsOptions.DEFAULTS);
  }

  /**
   * Reads {@code jdbc:postgresql://host[:port][/database][?key=value&...]} (and the short forms
   * {@code jdbc:postgresql:database} and {@code jdbc:postgresql:/}).
   *
   * <p>URL parameters {@code user}, {@code password}, {@code sslmode}, {@code ssl}, {@code
   * ApplicationName} and the TLS files {@code sslrootcert}, {@code sslcert}, {@code sslkey}, {@code
   * sslpassword} are honoured; {@code user} and {@code password} given as arguments win when not
   * {@code null}. Defaults: host {@code localhost}, port 5432, database = user, sslmode {@code
   * prefer} (pgjdbc's default); pgjdbc's {@code ssl=true} (or a bare {@code ssl}) without an
   * sslmode means {@code verify-full}, as in pgjdbc. {@code sslmode=allow} is treated as {@code
   * prefer}.
   *
   * <p>Settings that would change whom this connection trusts but that it cannot honour are refused
   * rather than ignored: with {@code verify-ca}/{@code verify-full}, an {@code sslfactory} other
   * than pgjdbc's default or {@code org.postgresql.ssl.DefaultJavaSSLFactory}; with {@code
   * verify-full}, an {@code sslhostnameverifier}.
   *
   * <p>A multi-host URL ({@code host1:5432,host2:5433}) yields its first host here; {@link
   * ListenHosts} keeps them all and picks the primary among them as pgjdbc does.
   *
   * @throws IllegalArgumentException if the URL is malformed or no user is given; the message never
   *     contains the password
   */
  public static ListenTarget fromJdbcUrl(String jdbcUrl, String user, String password) {
    return parse(jdbcUrl, user, password).targets().get(0);
  }

  /**
   * {@link #fromJdbcUrl} for every host of a multi-host URL, in the URL's order, with its
   * parameters.
   */
  static Parsed parse(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + JdbcUrls.redact(jdbcUrl));
    }
    String rest = jdbcUrl.substring(PREFIX.length());
    int question = rest.indexOf('?');
    Map<String, String> params =
        question < 0 ? Map.of() : parseQuery(rest.substring(question + 1), jdbcUrl);
    String location = question < 0 ? rest : rest.substring(0, question);

    List<HostPort> hosts;
    String database;
    if (location.startsWith("//")) {
      String afterSlashes = location.substring(2);
      int slash = afterSlashes.indexOf('/');
      String authority = slash < 0 ? afterSlashes : afterSlashes.substring(0, slash);
      if (authority.indexOf('@') >= 0) {
        // pgjdbc takes no credentials before the host either; never echo what is there
        throw new IllegalArgumentException(
            "credentials before the host ('user:password@') are not supported in "
                + JdbcUrls.redact(jdbcUrl)
                + "; give them as the user and password parameters");
      }
      database = slash < 0 ? "" : decode(afterSlashes.substring(slash + 1), jdbcUrl);
      hosts = hostList(authority, jdbcUrl);
    } else {
      database = decode(location.startsWith("/") ? location.substring(1) : location, jdbcUrl);
      hosts = List.of(new HostPort("localhost", DEFAULT_PORT));
    }

    String effectiveUser = user != null ? user : params.get("user");
    if (effectiveUser == null || effectiveUser.isBlank()) {
      throw new IllegalArgumentException(
          "no user given, neither as argument nor in " + JdbcUrls.redact(jdbcUrl));
    }
    String effectivePassword = password != null ? password : params.get("password");
    if (database.isEmpty()) {
      database = effectiveUser;
    }
    SslMode sslMode = sslMode(params, jdbcUrl);
    TlsOptions tls = tlsOptions(params, sslMode);
    List<ListenTarget> targets = new ArrayList<>(hosts.size());
    for (HostPort h : hosts) {
      targets.add(
          new ListenTarget(
              h.host(),
              h.port(),
              database,
              effectiveUser,
              effectivePassword,
              sslMode,
              params.get("ApplicationName"),
              tls));
    }
    return new Parsed(List.copyOf(targets), params);
  }

  /**
   * Every host of a URL with the same database, credentials and TLS choices, and the URL's
   * parameters.
   */
  record Parsed(List<ListenTarget> targets, Map<String, String> params) {}

  private record HostPort(String host, int port) {}

  /** The URL's hosts with their ports checked; an empty host is {@code localhost}. */
  private static List<HostPort> hostList(String authority, String jdbcUrl) {
    List<JdbcUrls.Host> written;
    try {
      written = JdbcUrls.hosts(authority);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " of " + JdbcUrls.redact(jdbcUrl), e);
    }
    List<HostPort> hosts = new ArrayList<>();
    for (JdbcUrls.Host h : written) {
      int port = h.port().isEmpty() ? DEFAULT_PORT : parsePort(h.port(), jdbcUrl);
      hosts.add(new HostPort(h.name(), port));
    }
    return hosts;
  }

  /** This target with another {@code application_name} ({@code null}: none). */
  public ListenTarget withApplicationName(String name) {
    return new ListenTarget(host, port, database, user, password, sslMode, name, tls);
  }

  /** {@code host:port/database}, for messages and logs. */
  String address() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return h + ":" + port + "/" + database;
  }

  /** Never shows the password, only whether there is one. */
  @Override
  public String toString() {
    return "ListenTarget[host="
        + host
        + ", port="
        + port
        + ", database="
        + database
        + ", user="
        + user
        + ", password="
        + (password == null ? "(none)" : "(set)")
        + ", sslMode="
        + sslMode
        + ", applicationName="
        + applicationName
        + ", tls="
        + tls
        + "]";
  }

  private static SslMode sslMode(Map<String, String> params, String url) {
    String mode = params.get("sslmode");
    if (mode == null) {
      String ssl = params.get("ssl");
      // pgjdbc: ssl=true, or ssl with no value, and no sslmode means verify-full.
      boolean on = ssl != null && (ssl.isEmpty() || ssl.equalsIgnoreCase("true"));
      return on ? SslMode.VERIFY_FULL : SslMode.PREFER;
    }
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "disable":
        return SslMode.DISABLE;
      case "allow":
      case "prefer":
        return SslMode.PREFER;
      case "require":
        return SslMode.REQUIRE;
      case "verify-ca":
        return SslMode.VERIFY_CA;
      case "verify-full":
        return SslMode.VERIFY_FULL;
      default:
        throw new IllegalArgumentException(
            "unknown sslmode '" + mode + "' in " + JdbcUrls.redact(url));
    }
  }

  private static TlsOptions tlsOptions(Map<String, String> params, SslMode mode) {
    String factory = params.get("sslfactory");
    if (factory == null || LIBPQ_FACTORIES.contains(factory)) {
      factory = null;
    } else if (!factory.equals(TlsOptions.JAVA_DEFAULT_FACTORY)) {
      if (mode.verifiesCertificate()) {
        throw new IllegalArgumentException(
            "sslfactory="
                + factory
                + " is not supported by the LISTEN connection with sslmode="
                + mode.urlName()
                + "; it verifies the server like pgjdbc's default factory"
                + " (sslrootcert, else ~/.postgresql/root.crt) or, with sslfactory="
                + TlsOptions.JAVA_DEFAULT_FACTORY
                + ", with the JVM's default trust store");
      }
      // prefer/require verify nothing, whatever the factory; the LISTEN connection never did
      // either.
      factory = null;
    }
    if (mode.verifiesHostName() && params.get("sslhostnameverifier") != null) {
      throw new IllegalArgumentException(
          "sslhostnameverifier="
              + params.get("sslhostnameverifier")
              + " is not supported by the LISTEN connection, which checks host names as HTTPS does;"
              + " remove it or use sslmode=verify-ca");
    }
    return new TlsOptions(
        params.get("sslrootcert"),
        params.get("sslcert"),
        params.get("sslkey"),
        params.get("sslpassword"),
        factory);
  }

  private static Map<String, String> parseQuery(String query, String url) {
    Map<String, String> params = new HashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq), url);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), url);
      params.put(key, value);
    }
    return params;
  }

  private static String decode(String text, String url) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad %-escape in " + JdbcUrls.redact(url), e);
    }
  }

  private static int parsePort(String text, String url) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port '" + text + "' in " + JdbcUrls.redact(url), e);
    }
    throw new IllegalArgumentException(
        "port out of range '" + text + "' in " + JdbcUrls.redact(url));
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be null or blank");
    }
  }
}
