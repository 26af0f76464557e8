package org.pgjcache.examples.spring;

import java.util.Properties;
import org.pgjcache.examples.ExampleDatabase;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application whose {@code @Cacheable} methods are backed by pgjcache. The only
 * configuration is in {@code application.properties} ({@code spring.cache.jcache.config}) and
 * {@code pgjcache.yaml}; the database comes from {@code PGJCACHE_JDBC_URL} as in production.
 */
@SpringBootApplication
@EnableCaching
public class QuoteApplication {

  /**
   * Starts the application, asks for the same quote three times and prints how long each call took.
   * Without {@code PGJCACHE_JDBC_URL} it first starts an embedded PostgreSQL and hands its URL to
   * pgjcache as system properties, one of pgjcache's configuration layers.
   *
   * @param args passed to Spring
   */
  public static void main(String[] args) {
    if (ExampleDatabase.fromEnvironment().isEmpty()) {
      Properties connection = ExampleDatabase.connection("pgjcache_spring");
      connection
          .stringPropertyNames()
          .forEach(k -> System.setProperty(k, connection.getProperty(k)));
    }
    try (ConfigurableApplicationContext context =
        SpringApplication.run(QuoteApplication.class, args)) {
      QuoteService quotes = context.getBean(QuoteService.class);
      for (int i = 1; i <= 3; i++) {
        long start = System.nanoTime();
        Quote quote = quotes.quote("ACME");
        System.out.printf("call %d: %s in %.1f ms%n", i, quote, (System.nanoTime() - start) / 1e6);
      }
      System.out.println(
          "calls that reached the slow source: " + context.getBean(QuoteSource.class).calls());
    }
  }
}
