package org.pgjcache.backend.postgres;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.jdbc.PgStatement;

/**
 * Gives every statement a call creates its own timeout, so that no pooled connection carries a
 * session-level {@code statement_timeout}: behind a pooler in transaction mode (PgBouncer) a
 * {@code SET} on a server connection stays there for whichever client gets it next.
 *
 * <p>The driver cancels a statement still running at its timeout (the database then fails it with
 * SQLSTATE 57014, as its own {@code statement_timeout} would); pgjdbc takes milliseconds, other
 * drivers whole seconds, rounded up.
 */
final class TimedStatements {

  private TimedStatements() {
  }

  /**
   * {@code connection} as the work of a call sees it: the same connection, whose
   * {@code createStatement}, {@code prepareStatement} and {@code prepareCall} return statements that
   * time out after {@code millis}.
   */
  static Connection wrap(Connection connection, long millis) {
    return (Connection) Proxy.newProxyInstance(TimedStatements.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new Handler(connection, millis));
  }

  /** Sets {@code millis} as the statement's timeout, in the driver's finest unit. */
  static void apply(Statement statement, long millis) throws SQLException {
    if (statement.isWrapperFor(PgStatement.class)) {
      statement.unwrap(PgStatement.class).setQueryTimeoutMs(millis);
    } else {
      statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
    }
  }

  private static final class Handler implements InvocationHandler {

    private final Connection connection;
    private final long millis;

    Handler(Connection connection, long millis) {
      this.connection = connection;
      this.millis = millis;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (method.getDeclaringClass() == Object.class) {
        return switch (name) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "timed " + connection;
        };
      }
      Object result;
      try {
        result = method.invoke(connection, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof Statement statement && (name.equals("createStatement")
          || name.equals("prepareStatement") || name.equals("prepareCall"))) {
        try {
          apply(statement, millis);
        } catch (SQLException e) {
          try {
            statement.close();
          } catch (SQLException closing) {
            e.addSuppressed(closing);
          }
          throw e;
        }
      }
      return result;
    }
  }
}
