/**
 * Glue that runs the official JSR-107 TCK ({@code javax.cache:cache-tests:1.1.1}, classifier {@code
 * tests}) against pgjcache, or against the reference implementation in the {@code ri} profile.
 *
 * <p>The TCK's own test classes are scanned from the dependency by Surefire; this package only
 * supplies what the TCK expects its implementer to provide:
 *
 * <ul>
 *   <li>{@link org.pgjcache.tck.TckDatabaseListener} — a JUnit Platform {@code
 *       LauncherSessionListener} that creates an empty database before any test runs and hands it
 *       to the provider through the {@code pgjcache.jdbc-url}, {@code pgjcache.user} and {@code
 *       pgjcache.password} system properties (the TCK only ever calls {@code
 *       Caching.getCachingProvider().getCacheManager()}, so there is no other way in);
 *   <li>{@link org.pgjcache.tck.GuiceBeanProvider} — the {@code
 *       javax.cache.annotation.BeanProvider} that the TCK's annotation tests find through {@link
 *       java.util.ServiceLoader}, backed by the JSR-107 annotations RI for Guice;
 *   <li>{@link org.pgjcache.tck.RunnerSelfCheckTest} — guards against the ways the TCK passes
 *       without testing anything (missing BeanProvider, unloadable unwrap classes, extra
 *       exclusions).
 * </ul>
 *
 * <p>The rest is configuration in {@code pom.xml} (system properties for the unwrap tests, the
 * client/server address, the serialization allowlist) and {@code src/test/resources/ExcludeList},
 * which excludes only the TCK's canary {@code org.jsr107.tck.CachingTest#dummyTest}.
 *
 * <p>JMX needs no set-up: TCK 1.1 looks MBeans up in {@link
 * java.lang.management.ManagementFactory#getPlatformMBeanServer()} (the 1.0 TCK's {@code
 * org.jsr107.tck.management.agentId} lookup was removed), which is where implementations must
 * register them.
 */
package org.pgjcache.tck;
