package org.pgjcache.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link TestDatabase} from a command line, for demos and benchmarks run by hand and for
 * checking that a machine can run the test database at all. It needs neither JUnit nor
 * Testcontainers (Testcontainers is used when it is on the class path, as with {@link
 * TestDatabase#get()}). Output goes to SLF4J, so put a binding such as slf4j-simple on the class
 * path to see the JDBC URL.
 *
 * <ul>
 *   <li>no arguments: start the database, log its JDBC URL, and keep it running until the JVM is
 *       stopped (Ctrl-C); the shutdown hook then stops it;
 *   <li>{@code --check}: start the database, run {@code select 1} on it and on a {@link
 *       TestDatabase#createDatabase created} database, and exit with status 0 (1 on failure). This
 *       also unpacks the embedded binaries, so a CI job can run it once to warm up.
 * </ul>
 *
 * <p>Programs that need a database in-process call {@link TestDatabase#get()} directly instead.
 */
public final class TestDatabaseMain {

  private static final Logger LOG = LoggerFactory.getLogger(TestDatabaseMain.class);

  private TestDatabaseMain() {}

  /**
   * Entry point.
   *
   * @param args {@code --check}, or nothing
   * @throws InterruptedException when interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    List<String> arguments = List.of(args);
    if (arguments.equals(List.of("--check"))) {
      System.exit(check() ? 0 : 1);
    } else if (!arguments.isEmpty()) {
      LOG.error("Unknown arguments {}; usage: TestDatabaseMain [--check]", arguments);
      System.exit(2);
    }
    TestDatabase database = TestDatabase.get();
    LOG.info(
        "Test database running; JDBC URL: {} (user {}). Stop with Ctrl-C.",
        Endpoint.redact(database.jdbcUrl()),
        database.user());
    new CountDownLatch(1).await();
  }

  /** Starts the database and checks it answers; logs and returns false on failure. */
  static boolean check() {
    try {
      TestDatabase database = TestDatabase.get();
      for (String url : List.of(database.jdbcUrl(), database.createDatabase("check"))) {
        try (Connection connection = Jdbc.connect(url)) {
          Jdbc.selectOne(connection);
        }
        LOG.info("select 1 works on {}", Endpoint.redact(url));
      }
      return true;
    } catch (RuntimeException | SQLException e) {
      LOG.error("The test database does not work", e);
      return false;
    }
  }
}
