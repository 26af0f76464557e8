package org.pgjcache.support;

import java.util.Set;
import java.util.TreeSet;

/**
 * The live threads pgjcache started (their names start with {@code pgjcache}), for tests of what
 * close releases.
 */
public final class PgjcacheThreads {

  private PgjcacheThreads() {}

  /** Names of the live threads whose name starts with {@code pgjcache}, sorted. */
  public static Set<String> alive() {
    Set<String> names = new TreeSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && thread.getName().startsWith("pgjcache")) {
        names.add(thread.getName());
      }
    }
    return names;
  }
}
