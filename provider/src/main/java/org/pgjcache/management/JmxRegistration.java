package org.pgjcache.management;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** Registers and unregisters a cache's MXBeans under the names JCache prescribes. */
public final class JmxRegistration {

  /** Which of the two JCache MXBeans. */
  public enum Kind {
    CONFIGURATION("CacheConfiguration"),
    STATISTICS("CacheStatistics");

    private final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  private JmxRegistration() {}

  public static ObjectName name(Kind kind, String managerUri, String cacheName) {
    try {
      return new ObjectName(
          "javax.cache:type="
              + kind.type
              + ",CacheManager="
              + mangle(managerUri)
              + ",Cache="
              + mangle(cacheName));
    } catch (MalformedObjectNameException e) {
      throw new CacheException("cannot build an MBean name for cache '" + cacheName + "'", e);
    }
  }

  public static void register(Object bean, Kind kind, String managerUri, String cacheName) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(kind, managerUri, cacheName);
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (InstanceAlreadyExistsException e) {
      // registered concurrently by another thread: the same bean is there, nothing to do
    } catch (JMException e) {
      throw new CacheException("cannot register MBean " + name, e);
    }
  }

  public static void unregister(Kind kind, String managerUri, String cacheName) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(kind, managerUri, cacheName);
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException e) {
      // unregistered concurrently: already gone
    } catch (JMException e) {
      throw new CacheException("cannot unregister MBean " + name, e);
    }
  }

  /**
   * JMX forbids some characters in unquoted values; replace them as the reference implementation
   * does.
   */
  static String mangle(String value) {
    return value == null ? "" : value.replaceAll("[,:=\n\"*?]", ".");
  }
}
