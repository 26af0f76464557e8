/**
 * pgjcache: a JCache (JSR-107) provider whose caches live in PostgreSQL and stay in sync across
 * JVMs.
 *
 * <p>Code written against {@code javax.cache} finds it through {@link java.util.ServiceLoader};
 * what it may name beyond that is one package, {@code org.pgjcache}: the provider, the manager's
 * extension and {@code unwrap} target, a node's sync status and health, and the DDL. Storage, the
 * wire protocol, codecs, replicas, events and settings parsing are internal and may change in any
 * release.
 */
module org.pgjcache {
  requires transitive cache.api;
  requires transitive java.sql;
  requires transitive java.management;
  requires org.postgresql.jdbc;
  requires com.zaxxer.hikari;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires org.yaml.snakeyaml;

  exports org.pgjcache;

  provides javax.cache.spi.CachingProvider with
      org.pgjcache.PgCachingProvider;
}
