package org.pgjcache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.pgjcache.manager.PgCacheManagerImpl;
import org.pgjcache.spring.boot.app.BookApplication;
import org.pgjcache.spring.boot.app.BookService;
import org.pgjcache.testkit.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.CacheManager;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Boots a web application that has the starter, a {@code DataSource} and Actuator, drives its
 * {@code @Cacheable} endpoint over HTTP, and reads the figures back from Actuator over HTTP: they
 * must be the real ones, which they are only if the caches keep statistics.
 */
@SpringBootTest(
    classes = BookApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.cache.cache-names=books",
      "spring.cache.jcache.config=classpath:app/pgjcache.yaml",
      "management.endpoints.web.exposure.include=caches,metrics"
    })
@DirtiesContext
class StarterOverHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static String jdbcUrl;

  @LocalServerPort private int port;

  @Autowired private CacheManager cacheManager;

  @Autowired private DataSource dataSource;

  @Autowired private BookService books;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase db = TestDatabase.get();
    jdbcUrl = db.createDatabase("starter_http");
    registry.add("spring.datasource.url", () -> jdbcUrl);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
  }

  @Test
  void cacheFiguresReachActuatorAndMicrometer() throws Exception {
    int before = books.lookups();
    for (int i = 0; i < 3; i++) {
      assertThat(get("/books/111")).isEqualTo("Title of 111");
    }
    assertThat(get("/books/222")).isEqualTo("Title of 222");
    assertThat(send("DELETE", "/books/111").statusCode()).isEqualTo(200);
    assertThat(get("/books/111")).isEqualTo("Title of 111");

    // 111: miss, hit, hit, evicted, miss; 222: miss
    assertThat(books.lookups()).isEqualTo(before + 3);
    assertThat(metric("cache.gets", "result:hit")).isEqualTo(2.0);
    assertThat(metric("cache.gets", "result:miss")).isEqualTo(3.0);
    assertThat(metric("cache.puts", null)).isEqualTo(3.0);
    assertThat(metric("cache.removals", null)).isEqualTo(1.0);

    JsonNode caches = JSON.readTree(get("/actuator/caches"));
    JsonNode book = caches.path("cacheManagers").path("cacheManager").path("caches").path("books");
    assertThat(book.path("target").asText()).startsWith("org.pgjcache.");
    assertThat(storedRows("books")).isEqualTo(2);
  }

  @Test
  void pgjcacheRunsOnTheApplicationsDatabaseWithItsConfiguredFile() {
    PgCacheManagerImpl manager =
        ((JCacheCacheManager) cacheManager).getCacheManager().unwrap(PgCacheManagerImpl.class);

    assertThat(manager.settings().file())
        .hasValueSatisfying(file -> assertThat(file).endsWith("app/pgjcache.yaml"));
    assertThat(manager.settings().heartbeatInterval()).isEqualTo(Duration.ofSeconds(7));
    // the application's DataSource bean itself is handed over: pgjcache opens no pool of its own,
    // and
    // its LISTEN connection goes to the URL the pool tells
    assertThat(manager.settings().dataSource()).containsSame(dataSource);
    assertThat(manager.settings().sourceOf("data-source")).isEqualTo("properties");
    assertThat(manager.settings().sourceOf("jdbc-url")).isEqualTo("data-source");
    assertThat(manager.settings().jdbcUrl()).isEqualTo(jdbcUrl);
    assertThat(manager.settings().user()).isEqualTo(TestDatabase.get().user());
  }

  private double metric(String name, String tag) throws IOException, InterruptedException {
    String query = "?tag=cache:books" + (tag == null ? "" : "&tag=" + tag);
    HttpResponse<String> response = send("GET", "/actuator/metrics/" + name + query);
    assertThat(response.statusCode())
        .as(name + " " + query + ": " + response.body())
        .isEqualTo(200);
    JsonNode measurements = JSON.readTree(response.body()).path("measurements");
    for (JsonNode measurement : measurements) {
      String statistic = measurement.path("statistic").asText();
      if (statistic.equals("COUNT") || statistic.equals("VALUE")) {
        return measurement.path("value").asDouble();
      }
    }
    throw new AssertionError("no COUNT or VALUE in " + response.body());
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = send("GET", path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> send(String method, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int storedRows(String cache) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, TestDatabase.get().user(), TestDatabase.get().password());
        PreparedStatement s =
            c.prepareStatement(
                "select count(*) from pgjcache_entries where cache = ? and value is not null")) {
      s.setString(1, cache);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }
}
