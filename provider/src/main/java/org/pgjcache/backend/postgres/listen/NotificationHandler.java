package org.pgjcache.backend.postgres.listen;

/**
 * Receives what arrives on a {@link ListenConnection}, on its reader thread, the moment it is
 * parsed.
 *
 * <p>Delivery is inline so that no queue or hand-off adds latency; the price is that a slow handler
 * delays every later notification on the connection, so implementations should hand work off
 * quickly. An exception thrown by {@link #onNotification} is logged and does not end the
 * connection.
 */
public interface NotificationHandler {

  /**
   * One NotificationResponse, in the order the server sent them (commit order).
   *
   * @param backendPid process id of the server backend whose transaction sent the notification
   * @param channel channel name as sent by the server (case preserved)
   * @param payload payload, empty string if none was given
   */
  void onNotification(int backendPid, String channel, String payload);

  /**
   * Called exactly once when the connection has ended, after which no notification follows.
   * Notifications sent while the connection is down are lost for good, so the owner should
   * reconnect and reconcile.
   *
   * @param cause {@code null} after {@link ListenConnection#close()}; otherwise why it ended
   */
  void onClosed(Throwable cause);
}
