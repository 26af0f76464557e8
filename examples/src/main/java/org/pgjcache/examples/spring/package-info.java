/**
 * Spring's cache abstraction on pgjcache: {@code @Cacheable} methods whose results every instance
 * of the application shares through PostgreSQL. Spring Boot finds pgjcache as the one JCache
 * provider on the class path; {@code spring.cache.jcache.config=classpath:pgjcache.yaml} hands it
 * its settings. Nothing in the application's code names pgjcache.
 */
package org.pgjcache.examples.spring;
