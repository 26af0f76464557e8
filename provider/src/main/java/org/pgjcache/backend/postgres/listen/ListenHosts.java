package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.pgjcache.config.JdbcUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every host a JDBC URL names, so that the LISTEN connection follows the primary the way pgjdbc's
 * pool does ({@code jdbc:postgresql://pg1,pg2/app?targetServerType=primary}): after a failover the
 * writers reach the promoted server, and a LISTEN connection stuck on the first host would hear
 * nothing from them.
 *
 * <p>Each {@link #open} walks the hosts again (in the URL's order, or shuffled with {@code
 * loadBalanceHosts=true}), resolving names anew, and takes the first server that is not a hot
 * standby: a standby refuses LISTEN, and writes never go there either. So {@code targetServerType}
 * values {@code any}, {@code primary} ({@code master}) and {@code preferPrimary} all listen on the
 * primary; the {@code secondary} family is refused, since it would send pgjcache's writes to a
 * read-only server.
 *
 * @param targets the hosts, with the same database, credentials and TLS choices
 * @param loadBalance whether to try them in a random order each time
 */
public record ListenHosts(List<ListenTarget> targets, boolean loadBalance) {

  private static final Logger LOG = LoggerFactory.getLogger(ListenHosts.class);

  public ListenHosts {
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no host");
    }
  }

  /** One host, as {@link ListenTarget#fromJdbcUrl} reads it. */
  public static ListenHosts of(ListenTarget target) {
    return new ListenHosts(List.of(target), false);
  }

  /**
   * Reads a URL as {@link ListenTarget#fromJdbcUrl} does, keeping every host, and pgjdbc's {@code
   * targetServerType} and {@code loadBalanceHosts}.
   *
   * @throws IllegalArgumentException if the URL is malformed, or asks for a standby
   */
  public static ListenHosts fromJdbcUrl(String jdbcUrl, String user, String password) {
    ListenTarget.Parsed parsed = ListenTarget.parse(jdbcUrl, user, password);
    String type = parsed.params().get("targetServerType");
    if (type != null) {
      switch (type.toLowerCase(Locale.ROOT)) {
        case "any", "primary", "master", "preferprimary" -> {
          // all of them mean the primary for a connection that must LISTEN where the writes go
        }
        case "secondary", "slave", "prefersecondary", "preferslave" ->
            throw new IllegalArgumentException(
                "targetServerType="
                    + type
                    + " in "
                    + JdbcUrls.redact(jdbcUrl)
                    + " would send pgjcache's"
                    + " writes to a read-only standby; use targetServerType=primary");
        default ->
            throw new IllegalArgumentException(
                "unknown targetServerType '"
                    + type
                    + "' in "
                    + JdbcUrls.redact(jdbcUrl)
                    + "; pgjcache needs primary (or any, preferPrimary)");
      }
    }
    boolean shuffle = "true".equalsIgnoreCase(parsed.params().get("loadBalanceHosts"));
    return new ListenHosts(parsed.targets(), shuffle);
  }

  /** These hosts with another {@code application_name}. */
  public ListenHosts withApplicationName(String name) {
    return new ListenHosts(
        targets.stream().map(t -> t.withApplicationName(name)).toList(), loadBalance);
  }

  /** The first host, whose database and user every host shares. */
  public ListenTarget first() {
    return targets.get(0);
  }

  /** {@code host:port,host:port/database}, for messages and logs. */
  public String describe() {
    if (targets.size() == 1) {
      return first().address();
    }
    return targets.stream()
            .map(
                t -> {
                  String a = t.address();
                  return a.substring(0, a.lastIndexOf('/'));
                })
            .collect(Collectors.joining(","))
        + "/"
        + first().database();
  }

  /**
   * Connects to the first host that answers and is not a hot standby, within {@code connectTimeout}
   * per host tried. {@code handler} hears only the connection returned: a standby that was tried
   * and let go does not make it think its connection ended.
   *
   * @throws IOException naming every host and why it was passed over (a single host's own failure
   *     as is)
   */
  public ListenConnection open(Duration connectTimeout, NotificationHandler handler)
      throws IOException {
    Objects.requireNonNull(handler, "handler");
    List<ListenTarget> order = new ArrayList<>(targets);
    if (loadBalance) {
      Collections.shuffle(order);
    }
    List<String> passedOver = new ArrayList<>();
    IOException last = null;
    for (ListenTarget target : order) {
      Gate gate = new Gate(handler);
      ListenConnection connection;
      try {
        connection = ListenConnection.open(target, connectTimeout, gate);
      } catch (IOException e) {
        if (targets.size() == 1) {
          throw e;
        }
        last = e;
        passedOver.add(e.getMessage());
        continue;
      }
      try {
        if (connection.inHotStandby(connectTimeout)) {
          connection.close();
          passedOver.add(target.address() + " is a standby (in recovery), where LISTEN is refused");
          continue;
        }
      } catch (IOException e) {
        connection.close();
        last = e;
        passedOver.add(
            target.address() + ": could not tell whether it is a standby: " + e.getMessage());
        continue;
      }
      gate.open();
      if (!passedOver.isEmpty()) {
        LOG.debug("LISTEN connection on {}, passing over: {}", target.address(), passedOver);
      }
      return connection;
    }
    throw new IOException(
        "no primary to LISTEN on among " + describe() + ": " + String.join("; ", passedOver), last);
  }

  /** Hands the connection's callbacks to the owner only once the connection is the one chosen. */
  private static final class Gate implements NotificationHandler {
    private final NotificationHandler owner;
    private volatile boolean open;

    Gate(NotificationHandler owner) {
      this.owner = owner;
    }

    void open() {
      open = true;
    }

    @Override
    public void onNotification(int backendPid, String channel, String payload) {
      if (open) {
        owner.onNotification(backendPid, channel, payload);
      }
    }

    @Override
    public void onClosed(Throwable cause) {
      if (open) {
        owner.onClosed(cause);
      }
    }
  }
}
