package org.pgjcache.backend.postgres.listen;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket under a LISTEN connection: TCP with TCP_NODELAY and SO_KEEPALIVE, optionally TLS, and
 * a read timeout that tracks one deadline for the whole start-up and is lifted afterwards.
 */
final class Transport {

  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

  private final Socket raw;
  private final Socket socket;
  private final boolean tls;
  private final DeadlineInputStream deadlineIn;
  private final MessageReader reader;
  private final OutputStream out;

  private Transport(Socket raw, Socket socket, boolean tls, long deadlineNanos) throws IOException {
    this.raw = raw;
    this.socket = socket;
    this.tls = tls;
    this.deadlineIn = new DeadlineInputStream(socket, socket.getInputStream(), deadlineNanos);
    this.reader = new MessageReader(new BufferedInputStream(deadlineIn, 16 * 1024));
    this.out = socket.getOutputStream();
  }

  /** Connects and, as the target asks, negotiates TLS, all before {@code deadlineNanos}. */
  static Transport connect(ListenTarget target, long deadlineNanos) throws IOException {
    return connect(target, deadlineNanos, TlsContexts.defaultDirectory());
  }

  /**
   * As {@link #connect(ListenTarget, long)}, looking for pgjdbc's default TLS files ({@code
   * root.crt}, {@code postgresql.crt}, {@code postgresql.pk8}) in {@code defaultDirectory}.
   */
  static Transport connect(ListenTarget target, long deadlineNanos, Path defaultDirectory)
      throws IOException {
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(true);
      raw.setKeepAlive(true);
      InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
      if (address.isUnresolved()) {
        throw new UnknownHostException("unknown host " + target.host());
      }
      raw.connect(address, remainingMillis(deadlineNanos));
      if (target.sslMode() == SslMode.DISABLE) {
        return new Transport(raw, raw, false, deadlineNanos);
      }
      if (serverAcceptsTls(raw, deadlineNanos)) {
        return new Transport(
            raw, startTls(raw, target, deadlineNanos, defaultDirectory), true, deadlineNanos);
      }
      if (target.sslMode().requiresTls()) {
        throw new IOException(
            "the server does not support SSL, but sslmode is " + target.sslMode().urlName());
      }
      LOG.debug("{} declined SSL; continuing unencrypted (sslmode prefer)", target.address());
      return new Transport(raw, raw, false, deadlineNanos);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(raw, e);
      throw e;
    }
  }

  MessageReader reader() {
    return reader;
  }

  /** Callers serialize writes; each message goes out in one call. */
  void write(byte[] message) throws IOException {
    out.write(message);
    out.flush();
  }

  boolean isTls() {
    return tls;
  }

  /** From now on reads block for as long as it takes: the reader thread waits for notifications. */
  void endStartup() throws SocketException {
    deadlineIn.clear();
    socket.setSoTimeout(0);
  }

  /**
   * Closes the TCP socket first, which wakes a thread blocked in a read at once even under TLS,
   * then the TLS layer. Idempotent.
   */
  void close() {
    try {
      raw.close();
    } catch (IOException e) {
      LOG.debug("closing the socket failed", e);
    }
    if (socket != raw) {
      try {
        socket.close();
      } catch (IOException e) {
        LOG.debug("closing the TLS layer failed (the socket under it was closed already)", e);
      }
    }
  }

  private static boolean serverAcceptsTls(Socket raw, long deadlineNanos) throws IOException {
    raw.getOutputStream().write(FrontendMessages.sslRequest());
    raw.getOutputStream().flush();
    raw.setSoTimeout(remainingMillis(deadlineNanos));
    // Exactly one byte, unbuffered: anything after 'S' belongs to the TLS handshake.
    int answer = raw.getInputStream().read();
    if (answer == 'S') {
      return true;
    }
    if (answer == 'N') {
      return false;
    }
    if (answer < 0) {
      throw new EOFException("the server closed the connection in answer to SSLRequest");
    }
    throw new IOException("unexpected answer to SSLRequest: byte " + answer);
  }

  /**
   * The handshake, on the socket that already carried the SSLRequest. The host name given to the
   * socket is the URL's, as pgjdbc gives it: the JDK sends it as SNI (if it is a name with a dot,
   * not an IP literal) and, for {@code verify-full}, checks the certificate against it with the
   * HTTPS rules during the handshake.
   */
  private static Socket startTls(
      Socket raw, ListenTarget target, long deadlineNanos, Path defaultDirectory)
      throws IOException {
    SslMode mode = target.sslMode();
    TlsContexts.Context context = TlsContexts.create(mode, target.tls(), defaultDirectory);
    SSLSocket ssl =
        (SSLSocket)
            context
                .sslContext()
                .getSocketFactory()
                .createSocket(raw, target.host(), target.port(), true);
    ssl.setUseClientMode(true);
    if (mode.verifiesHostName()) {
      SSLParameters parameters = ssl.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(parameters);
    }
    raw.setSoTimeout(remainingMillis(deadlineNanos));
    try {
      ssl.startHandshake();
    } catch (SSLException e) {
      SSLHandshakeException failure =
          new SSLHandshakeException(
              "TLS handshake with sslmode="
                  + mode.urlName()
                  + " failed (trusted CAs: "
                  + context.trustSource()
                  + "): "
                  + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
    LOG.debug(
        "TLS to {} (sslmode {}, trusted CAs: {}): {} {}",
        target.address(),
        mode.urlName(),
        context.trustSource(),
        ssl.getSession().getProtocol(),
        ssl.getSession().getCipherSuite());
    return ssl;
  }

  static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      throw new SocketTimeoutException("connect timeout elapsed");
    }
    return (int)
        Math.max(
            1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)));
  }

  private static void closeAfterFailure(Socket raw, Exception failure) {
    try {
      raw.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** Sets the socket read timeout to what is left before the deadline ahead of every read. */
  private static final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private long deadlineNanos;
    private boolean active = true;

    DeadlineInputStream(Socket socket, InputStream in, long deadlineNanos) {
      super(in);
      this.socket = socket;
      this.deadlineNanos = deadlineNanos;
    }

    void clear() {
      active = false;
      deadlineNanos = 0;
    }

    @Override
    public int read() throws IOException {
      arm();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      return super.read(b, off, len);
    }

    private void arm() throws IOException {
      if (active) {
        socket.setSoTimeout(remainingMillis(deadlineNanos));
      }
    }
  }
}
