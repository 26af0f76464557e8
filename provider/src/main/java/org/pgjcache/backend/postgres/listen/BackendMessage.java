package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** One message from the server: its type byte and a cursor over its body. */
final class BackendMessage {

  private final byte type;
  private final ByteBuffer body;

  BackendMessage(byte type, byte[] body) {
    this.type = type;
    this.body = ByteBuffer.wrap(body);
  }

  char type() {
    return (char) (type & 0xff);
  }

  int int32() throws IOException {
    try {
      return body.getInt();
    } catch (BufferUnderflowException e) {
      throw malformed("an Int32");
    }
  }

  int int16() throws IOException {
    try {
      return body.getShort() & 0xffff;
    } catch (BufferUnderflowException e) {
      throw malformed("an Int16");
    }
  }

  byte byte1() throws IOException {
    try {
      return body.get();
    } catch (BufferUnderflowException e) {
      throw malformed("a byte");
    }
  }

  boolean hasRemaining() {
    return body.hasRemaining();
  }

  /** A NUL-terminated string, decoded as UTF-8 (the connection sets client_encoding UTF8). */
  String cstring() throws IOException {
    byte[] array = body.array();
    int start = body.position();
    int end = start;
    while (end < body.limit() && array[end] != 0) {
      end++;
    }
    if (end == body.limit()) {
      throw malformed("a NUL-terminated string");
    }
    body.position(end + 1);
    return new String(array, start, end - start, StandardCharsets.UTF_8);
  }

  byte[] bytes(int n) throws IOException {
    if (n < 0 || n > body.remaining()) {
      throw malformed(n + " bytes");
    }
    byte[] out = new byte[n];
    body.get(out);
    return out;
  }

  byte[] rest() {
    byte[] out = new byte[body.remaining()];
    body.get(out);
    return out;
  }

  private IOException malformed(String what) {
    return new IOException(
        "protocol error: message '"
            + type()
            + "' of "
            + body.limit()
            + " bytes is too short to hold "
            + what
            + " at offset "
            + body.position());
  }
}
