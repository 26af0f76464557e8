package org.pgjcache.backend.postgres;

import javax.cache.CacheManager;
import org.pgjcache.support.ListenKiller;

/** Makes a node lose every notification for a while, as a broken network would. */
public final class LostNotifications {

  private LostNotifications() {}

  /** While {@code drop}, the node's backend drops the notifications it hears, unseen. */
  public static void drop(CacheManager node, boolean drop) {
    ListenKiller.backend(node).dropNotifications(drop);
  }
}
