package org.pgjcache.codec;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Decides which classes may be instantiated when a stored value is deserialized.
 *
 * <p>A row in a shared table may have been written by any process with access to it, so
 * deserializing whatever it names would hand that process code execution in every node. The default
 * allows the JDK's value-like classes; users add their own with patterns: {@code com.acme.Order}
 * (one class), {@code com.acme.*} (one package) or {@code com.acme.**} (a package and its
 * subpackages).
 */
public final class SerializationAllowlist {

  /**
   * Allowed without configuration: JDK value types and collections, nothing that instantiates or
   * calls a class it names. Collections that take a {@code Comparator} ({@code TreeMap}, {@code
   * PriorityQueue}) stay, since the comparator is itself deserialized and so must be allowed too.
   * Left out: {@code java.net.URL}, whose {@code hashCode} resolves its host name (one map key
   * makes every node send a DNS query of the writer's choosing), and the JCache API except {@code
   * Duration}: {@code FactoryBuilder$ClassFactory} instantiates any class by name when asked. Allow
   * what you need with {@code pgjcache.serialization.allow}.
   */
  public static final List<String> DEFAULTS =
      List.of(
          "java.lang.*",
          "java.util.*",
          "java.util.concurrent.*",
          "java.util.concurrent.atomic.*",
          "java.time.*",
          "java.time.chrono.*",
          "java.math.*",
          "java.net.URI",
          "java.net.InetAddress",
          "java.net.Inet4Address",
          "java.net.Inet6Address",
          "java.net.InetAddress$InetAddressHolder",
          "java.net.Inet6Address$Inet6AddressHolder",
          "java.sql.Date",
          "java.sql.Time",
          "java.sql.Timestamp",
          "javax.cache.expiry.Duration",
          // ConcurrentHashMap writes its segments as ReentrantLocks, for compatibility with Java 7
          "java.util.concurrent.locks.ReentrantLock",
          "java.util.concurrent.locks.ReentrantLock$Sync",
          "java.util.concurrent.locks.ReentrantLock$NonfairSync",
          "java.util.concurrent.locks.AbstractQueuedSynchronizer",
          "java.util.concurrent.locks.AbstractOwnableSynchronizer",
          // an interface, never instantiated: allows Serializable[] (Hibernate's cached entity
          // state)
          "java.io.Serializable",
          // Hibernate's second-level cache keys and entries (data only; the entity's own field
          // types
          // stay the user's to allow), so that hibernate.cache.region.factory_class=jcache needs no
          // pgjcache setting
          "org.hibernate.cache.internal.BasicCacheKeyImplementation",
          "org.hibernate.cache.internal.CacheKeyImplementation",
          "org.hibernate.cache.internal.NaturalIdCacheKey",
          "org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem",
          "org.hibernate.cache.spi.QueryKey",
          "org.hibernate.cache.spi.QueryKey$ParameterBindingsMemento",
          "org.hibernate.cache.spi.FilterKey",
          "org.hibernate.cache.spi.entry.StandardCacheEntryImpl",
          "org.hibernate.cache.spi.entry.ReferenceCacheEntryImpl",
          "org.hibernate.cache.spi.entry.CollectionCacheEntry",
          "org.hibernate.cache.spi.support.AbstractReadWriteAccess$Item",
          "org.hibernate.cache.spi.support.AbstractReadWriteAccess$SoftLockImpl");

  private static final Set<String> REFUSED_ALWAYS =
      Set.of(
          "java.lang.Runtime",
          "java.lang.ProcessBuilder",
          "java.lang.Thread",
          "java.lang.ClassLoader",
          "java.lang.reflect.Proxy");

  private final List<String> exact = new CopyOnWriteArrayList<>();
  private final List<String> packages = new CopyOnWriteArrayList<>();
  private final List<String> trees = new CopyOnWriteArrayList<>();

  public SerializationAllowlist(Collection<String> extraPatterns) {
    DEFAULTS.forEach(this::add);
    extraPatterns.forEach(this::add);
  }

  private void add(String raw) {
    String pattern = raw.trim();
    if (pattern.isEmpty()) {
      return;
    }
    if (pattern.endsWith(".**")) {
      trees.add(pattern.substring(0, pattern.length() - 2));
    } else if (pattern.endsWith(".*")) {
      packages.add(pattern.substring(0, pattern.length() - 1));
    } else if (pattern.contains("*")) {
      throw new IllegalArgumentException(
          "unsupported serialization allowlist pattern '"
              + raw
              + "': use a class name, 'package.*' or 'package.**'");
    } else {
      exact.add(pattern);
    }
  }

  /** Allows one more class by name, e.g. a cache's declared value type. */
  public void allowClass(Class<?> type) {
    if (type != null && type != Object.class && !exact.contains(type.getName())) {
      exact.add(type.getName());
    }
  }

  /** Whether a class of this name may be deserialized. */
  public boolean allows(String name) {
    if (REFUSED_ALWAYS.contains(name)) {
      return false;
    }
    if (exact.contains(name)) {
      return true;
    }
    int dot = name.lastIndexOf('.');
    String pkg = dot < 0 ? "" : name.substring(0, dot + 1);
    if (packages.contains(pkg)) {
      return true;
    }
    for (String tree : trees) {
      if (name.startsWith(tree)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a class the stream names may be deserialized: arrays by their element type. */
  boolean allowsClass(Class<?> type) {
    Class<?> base = type;
    while (base.isArray()) {
      base = base.getComponentType();
    }
    return base.isPrimitive() || allows(base.getName());
  }

  /** The name {@link #allowsClass} judges: an array's element type. */
  String baseName(Class<?> type) {
    Class<?> base = type;
    while (base.isArray()) {
      base = base.getComponentType();
    }
    return base.getName();
  }
}
