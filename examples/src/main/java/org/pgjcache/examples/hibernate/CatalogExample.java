package org.pgjcache.examples.hibernate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.hibernate.stat.Statistics;
import org.pgjcache.examples.ExampleDatabase;

/**
 * Two application instances share Hibernate's second-level cache: node-b reads what node-a cached,
 * and after node-a updates a product, node-b reads the new state from its cache, not from the
 * table.
 */
public final class CatalogExample {

  private CatalogExample() {}

  /**
   * Runs the example and prints what each node saw.
   *
   * @param args ignored
   * @throws Exception if the example fails
   */
  public static void main(String[] args) throws Exception {
    // Hibernate logs through JBoss Logging, which picks SLF4J by itself only when Logback is there
    System.setProperty("org.jboss.logging.provider", "slf4j");
    Properties connection = ExampleDatabase.connection("pgjcache_hibernate");
    Path configDir = Files.createTempDirectory("pgjcache-hibernate-example");
    try (CatalogNode a = CatalogNode.start("node-a", connection, configDir, true);
        CatalogNode b = CatalogNode.start("node-b", connection, configDir, false)) {
      long id =
          a.inTransaction(
              session -> {
                Product kettle = new Product("kettle", 10);
                session.persist(kettle);
                return kettle.getId();
              });
      System.out.println("node-a  persisted product " + id + " (stock 10)");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!b.sessionFactory().getCache().containsEntity(Product.class, id)
          && System.nanoTime() < deadline) {
        Thread.sleep(10); // node-b's cache learns of the insert a moment after node-a commits
      }
      report("node-b", b, id);
      a.inTransaction(
          session -> {
            session.find(Product.class, id).setStock(7);
            return null;
          });
      System.out.println("node-a  set its stock to 7");
      deadline = System.nanoTime() + 10_000_000_000L;
      while (b.find(id).getStock() != 7 && System.nanoTime() < deadline) {
        Thread.sleep(10); // node-b's cache learns of the update a moment after node-a commits
      }
      report("node-b", b, id);
    } finally {
      try (Stream<Path> files = Files.walk(configDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(CatalogExample::delete);
      }
    }
  }

  private static void report(String who, CatalogNode node, long id) {
    Statistics stats = node.statistics();
    stats.clear();
    Product product = node.find(id);
    System.out.println(
        who
            + "  read product "
            + id
            + ": stock "
            + product.getStock()
            + " ("
            + stats.getSecondLevelCacheHitCount()
            + " second-level cache hit(s), "
            + stats.getPrepareStatementCount()
            + " SQL statement(s))");
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      System.err.println("could not delete " + path + ": " + e);
    }
  }
}
