package org.pgjcache.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pgjcache.examples.support.SystemPropertyDatabase;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Boots the Spring example against a test database and shows that its {@code @Cacheable} methods go
 * through pgjcache.
 */
@SpringBootTest(classes = QuoteApplication.class)
@DirtiesContext
class QuoteApplicationTest {

  private static SystemPropertyDatabase database;

  @Autowired private QuoteService quotes;

  @Autowired private QuoteSource source;

  @Autowired private CacheManager cacheManager;

  @BeforeAll
  static void database() {
    database = SystemPropertyDatabase.create("QuoteApplicationTest");
  }

  @AfterAll
  static void forgetDatabase() {
    database.close();
  }

  @Test
  void springUsesPgjcacheWithTheConfiguredFile() {
    PgCacheManagerImpl manager =
        ((JCacheCacheManager) cacheManager).getCacheManager().unwrap(PgCacheManagerImpl.class);

    assertThat(manager.settings().file())
        .hasValueSatisfying(file -> assertThat(file).endsWith("pgjcache.yaml"));
    assertThat(manager.settings().jdbcUrl()).isEqualTo(database.jdbcUrl());
  }

  @Test
  void secondCallIsServedFromTheCache() throws SQLException {
    int before = source.calls();

    Quote first = quotes.quote("ACME");
    Quote second = quotes.quote("ACME");

    assertThat(source.calls()).isEqualTo(before + 1);
    assertThat(second).isEqualTo(first);
    assertThat(storedRows("quotes", "s:ACME")).isEqualTo(1);
  }

  @Test
  void evictionMakesTheNextCallFetchAgain() {
    Quote first = quotes.quote("EVICT");
    int afterFirst = source.calls();

    quotes.forget("EVICT");
    Quote again = quotes.quote("EVICT");

    assertThat(source.calls()).isEqualTo(afterFirst + 1);
    assertThat(again.fetchedAt()).isAfterOrEqualTo(first.fetchedAt());
  }

  @Test
  void syncCacheableComputesOnceForConcurrentCallers() throws Exception {
    int callers = 6;
    int before = source.calls();
    CyclicBarrier start = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Quote>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return quotes.closingQuote("SYNC");
                }));
      }
      List<Quote> seen = new ArrayList<>();
      for (Future<Quote> result : results) {
        seen.add(result.get(30, TimeUnit.SECONDS));
      }

      assertThat(source.calls()).isEqualTo(before + 1);
      assertThat(seen).containsOnly(seen.get(0));
      assertThat(storedRows("closing-quotes", "s:SYNC")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Rows holding a value for the key in PostgreSQL itself, read with plain JDBC. */
  private static int storedRows(String cache, String key) throws SQLException {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl());
        PreparedStatement s =
            c.prepareStatement(
                "select count(*) from pgjcache_entries"
                    + " where cache = ? and key = ? and value is not null")) {
      s.setString(1, cache);
      s.setString(2, key);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }
}
