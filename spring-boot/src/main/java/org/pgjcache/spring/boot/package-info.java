/**
 * Spring Boot 3 starter and auto-configuration for pgjcache: with {@code
 * org.pgjcache:pgjcache-spring-boot} on the class path and {@code @EnableCaching},
 * {@code @Cacheable} runs on pgjcache, on the application's {@code DataSource}, and the caches of
 * {@code spring.cache.cache-names} keep statistics, so that Actuator and Micrometer show real
 * figures. Spring Boot's own JCache configuration still builds Spring's {@code CacheManager}; this
 * package only supplies the {@code javax.cache.CacheManager} it wraps.
 */
package org.pgjcache.spring.boot;
