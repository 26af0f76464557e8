package org.pgjcache.backend.postgres.listen;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedicated LISTEN connection: one daemon thread blocks in a socket read and calls the {@link
 * NotificationHandler} as soon as each NotificationResponse is parsed, so a notification reaches
 * the handler tens of microseconds after commit instead of the milliseconds a polling JDBC loop
 * adds.
 *
 * <p>Other threads send LISTEN, UNLISTEN and probes; their answers are read by the reader thread
 * and handed back, so nobody but the reader ever reads the socket. When the connection ends, for
 * whatever reason, {@link NotificationHandler#onClosed} is called exactly once and nothing is
 * delivered after it. A request that gets no answer in time closes the connection: its state is
 * then unknown, and the owner's path for a lost connection (reconnect, LISTEN again, reconcile) is
 * the one that restores it.
 */
public final class ListenConnection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ListenConnection.class);
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  private static final long TERMINATE_LOCK_WAIT_MILLIS = 100;

  /**
   * NAMEDATALEN - 1: the server truncates longer names, which would listen on a different channel.
   */
  private static final int MAX_CHANNEL_BYTES = 63;

  private final ListenTarget target;
  private final Transport transport;
  private final NotificationHandler handler;
  private final int backendPid;
  private final String authMethod;

  /** ParameterStatus values the server reported at start-up. */
  private final Map<String, String> parameters;

  private final Thread reader;

  /** Serializes LISTEN/UNLISTEN/probe so that at most one waits for an answer. */
  private final ReentrantLock requestLock = new ReentrantLock();

  /**
   * Keeps each message whole on the wire and the order of {@link #pending} equal to the send order.
   */
  private final ReentrantLock writeLock = new ReentrantLock();

  /** Requests sent and not yet answered, oldest first; the server answers in order. */
  private final Queue<PendingRequest> pending = new ConcurrentLinkedQueue<>();

  /** Set once when the connection starts to end; {@code cause} is null for a requested close. */
  private final AtomicReference<Ending> ending = new AtomicReference<>();

  /** Reader thread only: a FATAL error the server sent before hanging up. */
  private ServerMessage fatalError;

  private record Ending(IOException cause) {}

  private ListenConnection(
      ListenTarget target,
      Transport transport,
      NotificationHandler handler,
      StartupHandshake.Result startup) {
    this.target = target;
    this.transport = transport;
    this.handler = handler;
    this.backendPid = startup.backendPid();
    this.authMethod = startup.authMethod();
    this.parameters = startup.parameters();
    String name =
        "pgjcache-listen-"
            + target.host()
            + ":"
            + target.port()
            + "-"
            + THREAD_NUMBER.incrementAndGet();
    this.reader = new Thread(this::readLoop, name);
    this.reader.setDaemon(true);
  }

  /**
   * Connects, logs in and starts the reader thread; all of it within {@code connectTimeout} (name
   * resolution aside).
   *
   * @throws ServerErrorException if the server refuses (bad password, unknown database, ...)
   * @throws SocketTimeoutException if it did not finish in time
   * @throws IOException otherwise; messages name host, port, database and user, never the password
   */
  public static ListenConnection open(
      ListenTarget target, Duration connectTimeout, NotificationHandler handler)
      throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(handler, "handler");
    long deadline = System.nanoTime() + positiveNanos(connectTimeout, "connectTimeout");
    Transport transport = null;
    try {
      transport = Transport.connect(target, deadline);
      StartupHandshake.Result startup = StartupHandshake.run(target, transport);
      transport.endStartup();
      ListenConnection connection = new ListenConnection(target, transport, handler, startup);
      connection.reader.start();
      LOG.debug(
          "LISTEN connection open to {} as {} (backend pid {}, auth {}, tls {}, thread {})",
          target.address(),
          target.user(),
          startup.backendPid(),
          startup.authMethod(),
          transport.isTls(),
          connection.reader.getName());
      return connection;
    } catch (ServerErrorException e) {
      closeAfterFailedOpen(transport);
      throw e;
    } catch (SocketTimeoutException e) {
      closeAfterFailedOpen(transport);
      SocketTimeoutException timeout =
          new SocketTimeoutException(
              "could not open LISTEN connection to "
                  + target.address()
                  + " as user "
                  + target.user()
                  + " within "
                  + connectTimeout.toMillis()
                  + " ms");
      timeout.initCause(e);
      throw timeout;
    } catch (IOException e) {
      closeAfterFailedOpen(transport);
      String message =
          e.getMessage() != null && e.getMessage().startsWith("could not open")
              ? e.getMessage()
              : "could not open LISTEN connection to "
                  + target.address()
                  + " as user "
                  + target.user()
                  + ": "
                  + (e.getClass() == IOException.class ? e.getMessage() : e.toString());
      throw new IOException(message, e);
    } catch (RuntimeException e) {
      closeAfterFailedOpen(transport);
      throw e;
    }
  }

  /**
   * {@code LISTEN "channel"}; returns once the server has confirmed it, so that every notification
   * committed afterwards is delivered.
   *
   * @param channel exact channel name (case-sensitive, quoted for the server), at most 63 bytes of
   *     UTF-8
   * @throws ServerErrorException if the server refuses (e.g. on a hot standby)
   * @throws IOException if the connection is closed or no answer came in time (the connection is
   *     then closed)
   * @throws IllegalStateException if called from a {@link NotificationHandler} callback, whose
   *     thread is the one that would have to read the answer
   */
  public void listen(String channel, Duration timeout) throws IOException {
    execute("LISTEN " + quoteChannel(channel), timeout);
  }

  /** {@code UNLISTEN "channel"}; same contract as {@link #listen}. */
  public void unlisten(String channel, Duration timeout) throws IOException {
    execute("UNLISTEN " + quoteChannel(channel), timeout);
  }

  /**
   * Asks the server for a round trip (an empty query) and waits for it. A connection whose peer
   * vanished without a reset (a network cut) looks open until something is sent and nothing comes
   * back; this is how the owner finds out.
   *
   * @return {@code true} if the server answered in time; {@code false} otherwise, and the
   *     connection is then closed ({@link NotificationHandler#onClosed} is called with the reason)
   */
  public boolean probe(Duration timeout) {
    if (Thread.currentThread() == reader) {
      throw new IllegalStateException("probe cannot be called from a NotificationHandler callback");
    }
    if (!isOpen()) {
      return false;
    }
    try {
      execute("", timeout);
      return true;
    } catch (InterruptedIOException e) {
      fail(
          new IOException(
              "probe of " + target.address() + " was interrupted; connection closed", e));
      return false;
    } catch (IOException e) {
      // execute() has closed the connection if it was a timeout or a send failure; an error
      // answer to an empty query would mean a confused session, so close in any case.
      fail(e);
      LOG.debug("probe of {} failed", target.address(), e);
      return false;
    }
  }

  /** Server process id, e.g. for {@code pg_terminate_backend} or to recognise our own session. */
  public int backendPid() {
    return backendPid;
  }

  /** {@code false} as soon as the connection has started to end, for whatever reason. */
  public boolean isOpen() {
    return ending.get() == null;
  }

  /** How the server authenticated us: trust, password, md5 or SCRAM-SHA-256. */
  String authMethod() {
    return authMethod;
  }

  boolean isTls() {
    return transport.isTls();
  }

  /**
   * Sends Terminate, closes the socket and waits (up to 5 s) for the reader thread to end, unless
   * called from a handler on that thread. Idempotent.
   */
  @Override
  public void close() {
    if (ending.compareAndSet(null, new Ending(null))) {
      sendTerminate();
      transport.close();
    }
    if (Thread.currentThread() != reader) {
      try {
        reader.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted while waiting for {} to end", reader.getName());
        return;
      }
      if (reader.isAlive()) {
        LOG.warn(
            "{} still runs {} ms after close; is a NotificationHandler blocked?",
            reader.getName(),
            CLOSE_WAIT.toMillis());
      }
    }
  }

  @Override
  public String toString() {
    return "ListenConnection["
        + target.address()
        + ", user "
        + target.user()
        + ", pid "
        + backendPid
        + (isOpen() ? ", open]" : ", closed]");
  }

  // ---- requests ---------------------------------------------------------------------------------

  /**
   * Whether the server is a hot standby (in recovery), where LISTEN is refused: from the {@code
   * in_hot_standby} parameter servers since PostgreSQL 14 report at start-up, else by asking.
   */
  boolean inHotStandby(Duration timeout) throws IOException {
    String reported = parameters.get("in_hot_standby");
    if (reported != null) {
      return reported.equals("on");
    }
    return "t".equals(execute("select pg_catalog.pg_is_in_recovery()", timeout));
  }

  /** Where this connection is, {@code host:port/database}, for messages and health. */
  public String address() {
    return target.address();
  }

  /**
   * Sends one simple query and waits for its ReadyForQuery; package-private so tests can provoke
   * errors.
   *
   * @return the first column of the first row, or {@code null} if there was none (or it was NULL)
   */
  String execute(String sql, Duration timeout) throws IOException {
    String what = sql.isEmpty() ? "probe" : sql;
    if (Thread.currentThread() == reader) {
      // The answer would have to be read by this very thread: it could only time out.
      throw new IllegalStateException(
          what
              + " cannot be called from a NotificationHandler callback;"
              + " hand it to another thread");
    }
    long timeoutNanos = positiveNanos(timeout, "timeout");
    long deadline = System.nanoTime() + timeoutNanos;
    try {
      if (!requestLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
        throw fail(
            new IOException(
                what
                    + " on "
                    + target.address()
                    + " could not even be sent within "
                    + timeout.toMillis()
                    + " ms (an earlier request is still waiting); connection closed"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "interrupted before sending " + what + " to " + target.address());
    }
    try {
      PendingRequest request = send(sql, what);
      ServerMessage error;
      try {
        error = request.answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw fail(
            new IOException(
                "no answer to "
                    + what
                    + " from "
                    + target.address()
                    + " within "
                    + timeout.toMillis()
                    + " ms; connection closed"));
      } catch (InterruptedException e) {
        // The answer still arrives and is matched to this request, so the connection stays usable.
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(
            "interrupted while waiting for " + what + " on " + target.address());
      } catch (ExecutionException e) {
        throw new IOException(
            what + " on " + target.address() + " failed: " + e.getCause().getMessage(),
            e.getCause());
      }
      if (error != null) {
        throw new ServerErrorException(what + " on " + target.address() + " failed", error);
      }
      return request.firstValue;
    } finally {
      requestLock.unlock();
    }
  }

  private PendingRequest send(String sql, String what) throws IOException {
    byte[] message = FrontendMessages.query(sql);
    PendingRequest request = new PendingRequest();
    writeLock.lock();
    try {
      if (!isOpen()) {
        throw new IOException(
            "cannot send "
                + what
                + ": the LISTEN connection to "
                + target.address()
                + " is closed");
      }
      pending.add(request);
      transport.write(message);
    } catch (IOException e) {
      pending.remove(request);
      if (!isOpen()) {
        throw e;
      }
      throw fail(
          new IOException("could not send " + what + " to " + target.address() + ": " + e, e));
    } finally {
      writeLock.unlock();
    }
    if (!isOpen()) {
      // The reader may have drained the queue just before we added to it.
      request.answer.completeExceptionally(closedCause());
    }
    return request;
  }

  private void sendTerminate() {
    boolean locked = false;
    try {
      // A writer stuck on a dead link must not hold up close(); Terminate is only a courtesy.
      locked = writeLock.tryLock(TERMINATE_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      if (locked) {
        transport.write(FrontendMessages.terminate());
      } else {
        LOG.debug("closing {} without Terminate: a write is in progress", target.address());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.debug("closing {} without Terminate: interrupted", target.address());
    } catch (IOException e) {
      LOG.debug("could not send Terminate to {}; closing anyway", target.address(), e);
    } finally {
      if (locked) {
        writeLock.unlock();
      }
    }
  }

  /**
   * Starts ending the connection because of {@code cause}, unless it is ending already; returns
   * cause.
   */
  private IOException fail(IOException cause) {
    if (ending.compareAndSet(null, new Ending(cause))) {
      transport.close();
    }
    return cause;
  }

  private IOException closedCause() {
    Ending end = ending.get();
    return end != null && end.cause() != null
        ? end.cause()
        : new IOException("the LISTEN connection to " + target.address() + " was closed");
  }

  // ---- reader thread ----------------------------------------------------------------------------

  private void readLoop() {
    Throwable failure;
    try {
      while (true) {
        dispatch(transport.reader().read());
      }
    } catch (Throwable t) {
      failure = t;
    }
    finish(failure);
    if (failure instanceof Error) {
      throw (Error) failure; // after onClosed, so the owner still learns the connection is gone
    }
  }

  private void dispatch(BackendMessage m) throws IOException {
    switch (m.type()) {
      case 'A' -> deliver(m.int32(), m.cstring(), m.cstring());
      case 'Z' -> {
        PendingRequest request = pending.poll();
        if (request == null) {
          LOG.warn("ReadyForQuery from {} with no request outstanding; ignored", target.address());
        } else {
          request.answer.complete(request.error);
        }
      }
      case 'E' -> onError(ServerMessage.parse(m));
      case 'N' ->
          LOG.info(
              "server notice on LISTEN connection to {}: {}",
              target.address(),
              ServerMessage.parse(m).describe());
      case 'S' -> LOG.debug("{} reports {} = {}", target.address(), m.cstring(), m.cstring());
      case 'D' -> keepFirstValue(m);
      case 'C', 'I', 'T' -> {
        // CommandComplete, EmptyQueryResponse, RowDescription: the ReadyForQuery that follows
        // settles the request
      }
      default ->
          throw new IOException(
              "protocol error: unexpected message '"
                  + m.type()
                  + "' ("
                  + (int) m.type()
                  + ") on the LISTEN connection");
    }
  }

  /** DataRow: the first column of the first row becomes the answer of the oldest request. */
  private void keepFirstValue(BackendMessage m) throws IOException {
    PendingRequest head = pending.peek();
    if (head == null || head.rowSeen) {
      return;
    }
    head.rowSeen = true;
    if (m.int16() > 0) {
      int length = m.int32();
      head.firstValue = length < 0 ? null : new String(m.bytes(length), StandardCharsets.UTF_8);
    }
  }

  private void deliver(int pid, String channel, String payload) {
    try {
      handler.onNotification(pid, channel, payload);
    } catch (RuntimeException e) {
      LOG.error(
          "NotificationHandler failed on a notification on channel '{}' ({} bytes of payload);"
              + " the LISTEN connection goes on",
          channel,
          payload.getBytes(StandardCharsets.UTF_8).length,
          e);
    }
  }

  private void onError(ServerMessage error) {
    if (error.isFatal()) {
      fatalError = error;
      return;
    }
    PendingRequest head = pending.peek();
    if (head != null) {
      if (head.error == null) {
        head.error = error;
      }
    } else {
      LOG.warn("error from {} with no request outstanding: {}", target.address(), error.describe());
    }
  }

  private void finish(Throwable failure) {
    ending.compareAndSet(null, new Ending(describeLoss(failure)));
    transport.close();
    IOException cause = ending.get().cause();
    IOException forPending = closedCause();
    for (PendingRequest request; (request = pending.poll()) != null; ) {
      request.answer.completeExceptionally(forPending);
    }
    if (cause == null) {
      LOG.debug("LISTEN connection to {} closed", target.address());
    } else {
      LOG.warn("{}", cause.getMessage());
    }
    try {
      handler.onClosed(cause);
    } catch (RuntimeException e) {
      LOG.error("NotificationHandler.onClosed failed for {}", target.address(), e);
    }
  }

  private IOException describeLoss(Throwable failure) {
    String base = "LISTEN connection to " + target.address() + " (backend pid " + backendPid + ")";
    if (failure == null) {
      return new IOException(base + " ended");
    }
    if (fatalError != null) {
      return new ServerErrorException(base + " was ended by the server", fatalError);
    }
    if (failure instanceof EOFException) {
      return new IOException(base + " was closed by the server", failure);
    }
    return new IOException(base + " failed: " + failure, failure);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Double-quoted identifier with embedded quotes doubled, so the channel name is taken verbatim.
   */
  static String quoteChannel(String channel) {
    Objects.requireNonNull(channel, "channel");
    if (channel.isEmpty()) {
      throw new IllegalArgumentException("channel name must not be empty");
    }
    if (channel.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("channel name must not contain NUL");
    }
    if (channel.getBytes(StandardCharsets.UTF_8).length > MAX_CHANNEL_BYTES) {
      throw new IllegalArgumentException(
          "channel name longer than "
              + MAX_CHANNEL_BYTES
              + " bytes would be truncated by the server: "
              + channel);
    }
    return '"' + channel.replace("\"", "\"\"") + '"';
  }

  private static long positiveNanos(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    try {
      return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  private static void closeAfterFailedOpen(Transport transport) {
    if (transport != null) {
      transport.close();
    }
  }

  /**
   * A request on the wire; completed by the reader with the server's error, or {@code null} if
   * none.
   */
  private static final class PendingRequest {
    final CompletableFuture<ServerMessage> answer = new CompletableFuture<>();

    /** Reader thread only. */
    ServerMessage error;

    /** Reader thread only; read by the requester after {@link #answer} completes. */
    boolean rowSeen;

    String firstValue;
  }
}
