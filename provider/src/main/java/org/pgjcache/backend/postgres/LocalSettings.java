package org.pgjcache.backend.postgres;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Gives the statements of a call their {@code statement_timeout} (and, with {@code
 * durability=relaxed}, {@code synchronous_commit = off}) for their own transaction only, so that no
 * pooled connection carries a session setting of pgjcache's: behind a pooler in transaction mode
 * (PgBouncer) a {@code SET} on a server connection stays there for whichever client gets it next.
 *
 * <p>Each statement is sent as {@code select set_config(..., true); <statement>} in one round trip:
 * in auto-commit mode both run in one implicit transaction, which the settings then last for; in a
 * transaction the first statement sets them for the rest of it. The settings are literals, so the
 * statement's parameters keep their numbers, and the extra result is skipped before the caller sees
 * any. Nothing is sent on its own, and the database, not the driver, cancels a statement at its
 * timeout (a driver-side timeout would make the caller wait for the cancel request to a database
 * that may not answer at all, past the bound of the call).
 */
final class LocalSettings {

  private final String prefix;

  /**
   * @param statementMillis the statement timeout
   * @param relaxed whether transactions commit without waiting for their WAL flush
   */
  LocalSettings(long statementMillis, boolean relaxed) {
    this.prefix =
        "select set_config('statement_timeout', '"
            + statementMillis
            + "', true)"
            + (relaxed ? ", set_config('synchronous_commit', 'off', true)" : "")
            + "; ";
  }

  /** The statement that applies the settings to the rest of a transaction, on its own. */
  String statement() {
    return prefix.substring(0, prefix.length() - 2);
  }

  /**
   * {@code connection} as the work of a call sees it: in auto-commit mode every statement created
   * through it carries the settings; in a transaction, the first one does (or the settings' {@link
   * #statement()} run on its own).
   */
  Connection wrap(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            LocalSettings.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new OnConnection(connection));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args, Object target) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> "with local settings: " + target;
    };
  }

  /** Runs the statement, then moves past the settings' result to the statement's own. */
  private static boolean executeSkipping(Statement statement, String sql) throws SQLException {
    if (sql == null) {
      ((PreparedStatement) statement).execute();
    } else {
      statement.execute(sql);
    }
    return statement.getMoreResults();
  }

  private final class OnConnection implements InvocationHandler {

    private final Connection connection;
    private boolean primed;

    OnConnection(Connection connection) {
      this.connection = connection;
    }

    /** Whether the next statement needs the settings; a transaction needs them once. */
    private boolean takeSettings() throws SQLException {
      if (connection.getAutoCommit()) {
        return true;
      }
      boolean needed = !primed;
      primed = true;
      return needed;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, connection);
      }
      switch (method.getName()) {
        case "prepareStatement" -> {
          if (!takeSettings()) {
            return LocalSettings.invoke(connection, method, args);
          }
          Object[] changed = args.clone();
          changed[0] = prefix + args[0];
          Statement statement = (Statement) LocalSettings.invoke(connection, method, changed);
          return Proxy.newProxyInstance(
              LocalSettings.class.getClassLoader(),
              new Class<?>[] {PreparedStatement.class},
              new OnPrepared(statement));
        }
        case "createStatement" -> {
          Statement statement = (Statement) LocalSettings.invoke(connection, method, args);
          return Proxy.newProxyInstance(
              LocalSettings.class.getClassLoader(),
              new Class<?>[] {Statement.class},
              new OnStatement(statement, this));
        }
        case "commit", "rollback", "setAutoCommit" -> {
          Object result = LocalSettings.invoke(connection, method, args);
          primed = false;
          return result;
        }
        default -> {
          return LocalSettings.invoke(connection, method, args);
        }
      }
    }
  }

  /** A prepared statement that starts with the settings: its first result is theirs. */
  private static final class OnPrepared implements InvocationHandler {

    private final Statement statement;

    OnPrepared(Statement statement) {
      this.statement = statement;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, statement);
      }
      if (args == null || args.length == 0) {
        switch (method.getName()) {
          case "execute" -> {
            return executeSkipping(statement, null);
          }
          case "executeQuery" -> {
            if (!executeSkipping(statement, null)) {
              throw new SQLException("the statement returned no rows", "02000");
            }
            return statement.getResultSet();
          }
          case "executeUpdate" -> {
            executeSkipping(statement, null);
            return Math.max(0, statement.getUpdateCount());
          }
          case "executeLargeUpdate" -> {
            executeSkipping(statement, null);
            return Math.max(0L, statement.getLargeUpdateCount());
          }
          default -> {
            // any other method is the statement's own
          }
        }
      }
      return LocalSettings.invoke(statement, method, args);
    }
  }

  /** A plain statement, whose SQL comes with each execution. */
  private final class OnStatement implements InvocationHandler {

    private final Statement statement;
    private final OnConnection connection;

    OnStatement(Statement statement, OnConnection connection) {
      this.statement = statement;
      this.connection = connection;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, args, statement);
      }
      String name = method.getName();
      boolean executes =
          args != null
              && args.length == 1
              && args[0] instanceof String
              && (name.equals("execute")
                  || name.equals("executeQuery")
                  || name.equals("executeUpdate"));
      if (executes && args[0].equals(statement())) {
        connection.takeSettings(); // the settings on their own: the transaction has them now
        return LocalSettings.invoke(statement, method, args);
      }
      if (!executes || !connection.takeSettings()) {
        return LocalSettings.invoke(statement, method, args);
      }
      boolean rows = executeSkipping(statement, prefix + args[0]);
      return switch (name) {
        case "execute" -> rows;
        case "executeQuery" -> {
          if (!rows) {
            throw new SQLException("the statement returned no rows", "02000");
          }
          yield statement.getResultSet();
        }
        default -> Math.max(0, statement.getUpdateCount());
      };
    }
  }
}
