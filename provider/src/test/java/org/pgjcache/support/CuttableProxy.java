package org.pgjcache.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay to the test database that fails the way networks and servers fail without saying so.
 *
 * <ul>
 *   <li>{@link #cut()}: from then on it silently drops bytes in both directions while keeping the
 *       sockets open, like a network partition where no RST ever arrives.
 *   <li>{@link #freeze()}: it stops forwarding and holds what it has, so senders fill the socket
 *       buffers and then block, like a server stopped with SIGSTOP; {@link #thaw()} delivers what
 *       was held and forwards again, like SIGCONT. A connection closed by its client meanwhile is
 *       closed towards the server once thawed.
 * </ul>
 *
 * <p>Connections made while it is cut or frozen are accepted and hang at login, as they would.
 */
public final class CuttableProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CuttableProxy.class);

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicInteger openClients = new AtomicInteger();
  private final Object gate = new Object();
  private volatile boolean cut;

  /** Guarded by {@link #gate}. */
  private boolean frozen;

  /** Pumps holding bytes they may not forward while frozen; guarded by {@link #gate}. */
  private int held;

  public CuttableProxy(String targetHost, int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    start("proxy-accept", this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
  public String relay(String jdbcUrl) {
    return jdbcUrl.replaceFirst(
        "^jdbc:postgresql://[^/]*/",
        "jdbc:postgresql://"
            + InetAddress.getLoopbackAddress().getHostAddress()
            + ":"
            + port()
            + "/");
  }

  /** Stops forwarding, for good, dropping whatever arrives and keeping every socket open. */
  public void cut() {
    cut = true;
  }

  /** Stops forwarding until {@link #thaw()}, holding what arrives; every socket stays open. */
  public void freeze() {
    synchronized (gate) {
      frozen = true;
    }
  }

  /** Forwards again, what was held first. */
  public void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  /** How many directions of how many connections hold bytes they may not forward (while frozen). */
  public int held() {
    synchronized (gate) {
      return held;
    }
  }

  /** Client connections whose client has not closed its end (as far as a thawed relay has seen). */
  public int openClients() {
    return openClients.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(upstream);
        openClients.incrementAndGet();
        start(
            "proxy-up",
            () -> {
              try {
                pump(client, upstream);
              } finally {
                openClients.decrementAndGet();
              }
            });
        start("proxy-down", () -> pump(upstream, client));
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("proxy accept failed", e);
        }
        return;
      }
    }
  }

  /**
   * Relays one direction; when its source ends, ends the other side too (once thawed, unless cut).
   */
  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[8192];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        awaitThawed();
        if (!cut) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
      awaitThawed();
    } catch (IOException e) {
      LOG.debug("proxy pump ended", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!cut) {
        closeQuietly(to);
      }
      closeQuietly(from);
    }
  }

  private void awaitThawed() throws InterruptedException {
    synchronized (gate) {
      if (!frozen) {
        return;
      }
      held++;
      try {
        while (frozen) {
          gate.wait();
        }
      } finally {
        held--;
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("closing a relayed socket failed", e);
    }
  }

  private void start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    thaw();
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while stopping the proxy");
      }
    }
  }
}
