package org.pgjcache.support;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheManager;
import org.pgjcache.backend.postgres.PostgresBackend;
import org.pgjcache.manager.PgCacheManagerImpl;

/**
 * Terminates a node's LISTEN connection from the server side, as a failover or a network cut would,
 * and waits for the node to listen again.
 */
public final class ListenKiller {

  private ListenKiller() {}

  public static PostgresBackend backend(CacheManager node) {
    return (PostgresBackend) node.unwrap(PgCacheManagerImpl.class).backend();
  }

  /** Terminates the node's LISTEN connection; returns the pid that was killed. */
  public static int kill(Nodes nodes, CacheManager node) {
    int pid = backend(node).listenerPid();
    if (pid <= 0) {
      throw new IllegalStateException("the node has no LISTEN connection to kill");
    }
    Properties p = new Properties();
    p.setProperty("user", nodes.user());
    if (nodes.password() != null && !nodes.password().isEmpty()) {
      p.setProperty("password", nodes.password());
    }
    try (Connection c = DriverManager.getConnection(nodes.jdbcUrl(), p);
        PreparedStatement ps = c.prepareStatement("select pg_terminate_backend(?)")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new IllegalStateException("pg_terminate_backend(" + pid + ") refused");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not terminate the LISTEN connection " + pid, e);
    }
    return pid;
  }

  /** Waits until the node listens on a connection other than {@code killedPid}. */
  public static void awaitRelisten(CacheManager node, int killedPid, Duration within) {
    PostgresBackend backend = backend(node);
    await()
        .atMost(within)
        .until(() -> backend.listenerPid() > 0 && backend.listenerPid() != killedPid);
  }
}
