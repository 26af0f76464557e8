package org.pgjcache.backend.postgres.listen;

import java.io.IOException;

/**
 * The server refused something with an ErrorResponse; carries the SQLSTATE so the owner can tell a
 * lasting refusal (bad password {@code 28P01}, unknown database {@code 3D000}) from a passing fault
 * and pace its reconnects accordingly.
 */
public final class ServerErrorException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String sqlState;
  private final String severity;

  ServerErrorException(String context, ServerMessage error) {
    super(context + ": " + error.describe());
    this.sqlState = error.sqlState();
    this.severity = error.severity();
  }

  /** Five-character SQLSTATE, or {@code null} if the server sent none. */
  public String sqlState() {
    return sqlState;
  }

  /** Non-localized severity such as {@code ERROR} or {@code FATAL}. */
  public String severity() {
    return severity;
  }
}
