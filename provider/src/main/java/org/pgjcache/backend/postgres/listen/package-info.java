/**
 * A minimal PostgreSQL wire-protocol client for the one connection per database that only LISTENs.
 *
 * <p>pgjdbc's {@code getNotifications(timeout)} peeks for 1 ms after every notification and does not
 * return at all while notifications keep arriving less than 1 ms apart, so under write load replicas
 * would learn of changes milliseconds to hundreds of milliseconds late. A thread blocked in a socket
 * read that hands each NotificationResponse to the handler as soon as it is parsed delivers it tens
 * of microseconds after commit; pgjdbc stays in use for every other connection.
 */
package org.pgjcache.backend.postgres.listen;
