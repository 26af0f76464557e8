package org.pgjcache.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjcache.examples.ExampleDatabase;
import org.pgjcache.testkit.TestDatabase;

/**
 * Two SessionFactories ("nodes") with pgjcache as their second-level cache, on one test database:
 * each serves the other's cached entities, and an update through one reaches the other's cache. The
 * nodes are shared by the tests, which each use a product of their own.
 */
class SecondLevelCacheTest {

  @TempDir static Path configDir;

  private static CatalogNode a;
  private static CatalogNode b;

  @BeforeAll
  static void startNodes() throws Exception {
    TestDatabase db = TestDatabase.get();
    Properties connection = new Properties();
    connection.setProperty(ExampleDatabase.JDBC_URL, db.createDatabase("SecondLevelCacheTest"));
    connection.setProperty(ExampleDatabase.USER, db.user());
    if (!db.password().isEmpty()) {
      connection.setProperty(ExampleDatabase.PASSWORD, db.password());
    }
    a = CatalogNode.start("node-a", connection, configDir, true);
    b = CatalogNode.start("node-b", connection, configDir, false);
  }

  @AfterAll
  static void stopNodes() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  void anEntityCachedByOneNodeIsAHitOnTheOther() {
    long id = persist("kettle", 10);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.sessionFactory().getCache().containsEntity(Product.class, id));
    Statistics stats = b.statistics();
    stats.clear();
    Product seen = b.find(id);

    assertThat(seen.getName()).isEqualTo("kettle");
    assertThat(stats.getSecondLevelCacheHitCount()).isEqualTo(1);
    assertThat(stats.getPrepareStatementCount()).isZero();
  }

  @Test
  void anUpdateThroughOneNodeReachesTheOthersCache() {
    long id = persist("teapot", 10);
    assertThat(b.find(id).getStock()).isEqualTo(10);

    a.inTransaction(
        session -> {
          session.find(Product.class, id).setStock(7);
          return null;
        });

    await().atMost(Duration.ofSeconds(10)).until(() -> b.find(id).getStock() == 7);
    Statistics stats = b.statistics();
    stats.clear();
    Product seen = b.find(id);

    assertThat(seen.getStock()).isEqualTo(7);
    assertThat(stats.getSecondLevelCacheHitCount()).isEqualTo(1);
    assertThat(stats.getPrepareStatementCount()).isZero();
  }

  @Test
  void evictingOnOneNodeEvictsOnTheOther() {
    long id = persist("mug", 3);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.sessionFactory().getCache().containsEntity(Product.class, id));

    a.sessionFactory().getCache().evictEntityData(Product.class, id);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !b.sessionFactory().getCache().containsEntity(Product.class, id));
    Statistics stats = b.statistics();
    stats.clear();
    assertThat(b.find(id).getStock()).isEqualTo(3);
    assertThat(stats.getSecondLevelCacheMissCount()).isEqualTo(1);
  }

  private static long persist(String name, int stock) {
    return a.inTransaction(
        session -> {
          Product product = new Product(name, stock);
          session.persist(product);
          return product.getId();
        });
  }
}
