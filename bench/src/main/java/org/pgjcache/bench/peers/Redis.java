package org.pgjcache.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Redis that Redisson is measured on answers, so a missing one skips rather than fails.
 */
public final class Redis {

  public static final String HOST = "127.0.0.1";
  public static final int PORT = 6379;
  private static final Logger LOG = LoggerFactory.getLogger(Redis.class);

  private Redis() {}

  /** Sends PING and expects PONG within half a second. */
  public static boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, PORT), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, reply.length);
      return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      LOG.debug("no Redis at {}:{}: {}", HOST, PORT, e.toString());
      return false;
    }
  }
}
