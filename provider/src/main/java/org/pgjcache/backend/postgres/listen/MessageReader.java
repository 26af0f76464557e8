package org.pgjcache.backend.postgres.listen;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits the server's byte stream into messages (type byte, Int32 length including itself, body).
 */
final class MessageReader {

  /**
   * Far above anything LISTEN traffic carries (payloads are under 8000 bytes); guards against
   * garbage.
   */
  static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;

  private final DataInputStream in;

  MessageReader(InputStream in) {
    this.in = new DataInputStream(in);
  }

  /**
   * Blocks until a whole message has arrived.
   *
   * @throws EOFException if the server closed the connection
   */
  BackendMessage read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("the server closed the connection");
    }
    int length = in.readInt();
    if (length < 4 || length > MAX_MESSAGE_LENGTH) {
      throw new IOException(
          "protocol error: message '" + (char) type + "' claims a length of " + length);
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return new BackendMessage((byte) type, body);
  }
}
