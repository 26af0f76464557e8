package org.pgjcache.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The smallest application the starter is for: a web endpoint over a {@code @Cacheable} service, a
 * {@code DataSource} from {@code spring.datasource.*}, Actuator, and nothing that names pgjcache.
 */
@SpringBootApplication
@EnableCaching
public class BookApplication {}
