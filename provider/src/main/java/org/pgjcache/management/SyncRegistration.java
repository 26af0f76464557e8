package org.pgjcache.management;

import java.lang.management.ManagementFactory;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.pgjcache.SyncMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a node's {@link SyncMXBean}. A failure to register is logged, not thrown: monitoring
 * must not keep a node from serving its caches.
 */
public final class SyncRegistration {

  private static final Logger LOG = LoggerFactory.getLogger(SyncRegistration.class);

  private SyncRegistration() {}

  /** {@code org.pgjcache:type=Sync,node=<name>,id=<id>}. */
  public static ObjectName name(String nodeName, String nodeId) throws JMException {
    return new ObjectName(
        "org.pgjcache:type=Sync,node="
            + JmxRegistration.mangle(nodeName)
            + ",id="
            + JmxRegistration.mangle(nodeId));
  }

  /** Registers the bean; returns its name, or null if it could not be registered. */
  public static ObjectName register(SyncMXBean bean, String nodeName, String nodeId) {
    try {
      ObjectName name = name(nodeName, nodeId);
      ManagementFactory.getPlatformMBeanServer().registerMBean(bean, name);
      return name;
    } catch (JMException e) {
      LOG.warn("cannot register the sync MXBean of node {} ({})", nodeName, e.toString());
      return null;
    }
  }

  public static void unregister(ObjectName name) {
    if (name == null) {
      return;
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      server.unregisterMBean(name);
    } catch (InstanceNotFoundException e) {
      LOG.debug("sync MXBean {} was already unregistered", name);
    } catch (JMException e) {
      LOG.warn("cannot unregister the sync MXBean {} ({})", name, e.toString());
    }
  }
}
