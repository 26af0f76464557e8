package org.pgjcache.backend.postgres.listen;

import java.io.IOException;

/**
 * The fields of an ErrorResponse or NoticeResponse that are worth showing to a person.
 *
 * @param severity non-localized severity (ERROR, FATAL, PANIC, WARNING, NOTICE, ...)
 * @param sqlState five-character SQLSTATE, or {@code null}
 * @param message primary message
 * @param detail detail, or {@code null}
 * @param hint hint, or {@code null}
 */
record ServerMessage(String severity, String sqlState, String message, String detail, String hint) {

  static ServerMessage parse(BackendMessage m) throws IOException {
    String localizedSeverity = null;
    String severity = null;
    String sqlState = null;
    String message = null;
    String detail = null;
    String hint = null;
    while (m.hasRemaining()) {
      byte code = m.byte1();
      if (code == 0) {
        break;
      }
      String value = m.cstring();
      switch (code) {
        case 'S' -> localizedSeverity = value;
        case 'V' -> severity = value;
        case 'C' -> sqlState = value;
        case 'M' -> message = value;
        case 'D' -> detail = value;
        case 'H' -> hint = value;
        default -> {
          // position, where, schema, ... add nothing for a LISTEN connection
        }
      }
    }
    return new ServerMessage(
        severity != null ? severity : localizedSeverity,
        sqlState,
        message != null ? message : "(no message)",
        detail,
        hint);
  }

  /** FATAL and PANIC end the session: the server closes the connection right after. */
  boolean isFatal() {
    return "FATAL".equals(severity) || "PANIC".equals(severity);
  }

  /** {@code FATAL 3D000: database "x" does not exist (detail: ...) (hint: ...)}. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(severity != null ? severity : "ERROR");
    if (sqlState != null) {
      sb.append(' ').append(sqlState);
    }
    sb.append(": ").append(message);
    if (detail != null) {
      sb.append(" (detail: ").append(detail).append(')');
    }
    if (hint != null) {
      sb.append(" (hint: ").append(hint).append(')');
    }
    return sb.toString();
  }
}
