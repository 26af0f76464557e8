package org.pgjcache.backend.postgres.listen;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Encodes the few messages this client sends, each as one array written with a single call. */
final class FrontendMessages {

  private static final int PROTOCOL_3_0 = 196608;
  private static final int SSL_REQUEST_CODE = 80877103;

  private FrontendMessages() {}

  static byte[] sslRequest() {
    return ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST_CODE).array();
  }

  static byte[] startup(Map<String, String> parameters) {
    List<byte[]> parts = new ArrayList<>();
    int length = 4 + 4 + 1;
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      byte[] key = cstring(e.getKey(), "startup parameter name");
      byte[] value = cstring(e.getValue(), "startup parameter " + e.getKey());
      parts.add(key);
      parts.add(value);
      length += key.length + value.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(length).putInt(length).putInt(PROTOCOL_3_0);
    parts.forEach(buf::put);
    return buf.put((byte) 0).array();
  }

  static byte[] query(String sql) {
    return typed('Q', cstring(sql, "query"));
  }

  static byte[] password(String password) {
    return typed('p', cstring(password, "password"));
  }

  static byte[] saslInitialResponse(String mechanism, byte[] data) {
    byte[] name = cstring(mechanism, "SASL mechanism");
    byte[] body =
        ByteBuffer.allocate(name.length + 4 + data.length)
            .put(name)
            .putInt(data.length)
            .put(data)
            .array();
    return typed('p', body);
  }

  static byte[] saslResponse(byte[] data) {
    return typed('p', data);
  }

  static byte[] terminate() {
    return typed('X', new byte[0]);
  }

  private static byte[] typed(char type, byte[] body) {
    return ByteBuffer.allocate(1 + 4 + body.length)
        .put((byte) type)
        .putInt(4 + body.length)
        .put(body)
        .array();
  }

  /** UTF-8 plus the terminating NUL; a NUL inside would cut the string short, so it is refused. */
  private static byte[] cstring(String text, String what) {
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " must not contain a NUL character");
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    System.arraycopy(utf8, 0, out, 0, utf8.length);
    return out;
  }
}
