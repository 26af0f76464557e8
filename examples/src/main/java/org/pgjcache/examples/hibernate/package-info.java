/**
 * Hibernate's second-level cache on pgjcache through {@code hibernate-jcache}: entities cached with
 * {@code @Cache(usage = READ_WRITE)} are shared by every instance of the application, and an update
 * made through one instance reaches the others' caches without a restart or a TTL.
 */
package org.pgjcache.examples.hibernate;
