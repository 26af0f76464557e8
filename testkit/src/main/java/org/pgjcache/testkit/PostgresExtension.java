package org.pgjcache.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives JUnit 5 tests the JVM's {@link TestDatabase}: {@code @ExtendWith(PostgresExtension.class)}
 * on a test class starts the database before the class runs and resolves {@code TestDatabase}
 * parameters of its constructors, test methods and lifecycle methods.
 *
 * <p>Before each test class it also restarts an embedded server that an earlier class left {@link
 * TestDatabase#stop() stopped}, so that one broken fault test does not take every later class down
 * with it. It never restarts a server within a class: a fault test decides itself when its server
 * comes back.
 *
 * <p>JUnit is an optional dependency of the testkit; only this class needs it.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {

  /** Instantiated by JUnit. */
  public PostgresExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    TestDatabase database = TestDatabase.get();
    if (database.canRestart()) {
      database.start();
    }
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return TestDatabase.get();
  }
}
