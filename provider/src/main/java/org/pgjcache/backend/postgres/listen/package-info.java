/**
 * A minimal PostgreSQL wire-protocol client for the one connection per database that only LISTENs.
 *
 * <p>pgjdbc's {@code getNotifications(timeout)} peeks for 1 ms after every notification and does
 * not return at all while notifications keep arriving less than 1 ms apart, so under write load
 * replicas would learn of changes milliseconds to hundreds of milliseconds late. A thread blocked
 * in a socket read that hands each NotificationResponse to the handler as soon as it is parsed
 * delivers it tens of microseconds after commit; pgjdbc stays in use for every other connection.
 *
 * <h2>TLS: the same JDBC URL as pgjdbc</h2>
 *
 * <p>The connection reads the TLS settings from the JDBC URL the pool uses and means by them what
 * pgjdbc 42.7.4 (with its default {@code LibPQFactory}) means: {@code sslmode} {@code disable},
 * {@code allow} (taken as {@code prefer}), {@code prefer}, {@code require}, {@code verify-ca},
 * {@code verify-full}, and {@code ssl=true} without an sslmode as {@code verify-full}. For the
 * verifying modes the server's chain must lead to a CA in {@code sslrootcert} (PEM or DER, any
 * number of certificates), else in {@code root.crt} in pgjdbc's directory ({@code ~/.postgresql/}
 * on Unix, {@code %APPDATA%\postgresql\} on Windows); {@code verify-full} also checks the
 * certificate against the URL's host name, which is sent as SNI as pgjdbc sends it. A client
 * certificate ({@code sslcert}/{@code sslkey}/{@code sslpassword}, by default {@code
 * postgresql.crt} and {@code postgresql.pk8} in that directory when they exist) is presented in
 * every TLS mode, as pgjdbc does.
 *
 * <p>Where this connection differs from pgjdbc 42.7.4:
 *
 * <ul>
 *   <li>Without {@code sslrootcert} and without a default {@code root.crt}, pgjdbc refuses to
 *       connect ("Could not open SSL root certificate file"); this connection trusts the JVM's
 *       default trust store instead. In a cache manager the pool connects first with the same URL
 *       and fails, so this matters only to users of this package alone. With {@code
 *       sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory} both use the JVM's default {@code
 *       SSLContext} (trust store, and key store for client certificates).
 *   <li>Host names are checked by the JDK's HTTPS rules during the handshake, pgjdbc checks with
 *       its own verifier after it. For a host given as an IP address the JDK accepts only an
 *       IP-address subject alternative name, pgjdbc also a DNS name or (with no DNS names) a common
 *       name spelling the address. The JDK lets a wildcard stand for part of the left-most label
 *       ({@code db*.example.com}), pgjdbc only for all of it ({@code *.example.com}).
 *   <li>Client keys may also be PEM ({@code BEGIN PRIVATE KEY}, {@code BEGIN ENCRYPTED PRIVATE
 *       KEY}); pgjdbc 42.7.4 reads only PKCS#8 DER ({@code .pk8}) and PKCS#12 ({@code .p12}, {@code
 *       .pfx}). Key files are read when connecting, not when the server first asks, and an {@code
 *       sslcert} or {@code sslkey} the URL names must exist (pgjdbc quietly sends no certificate
 *       when the certificate file is missing and either setting was left to its default).
 *   <li>Refused rather than ignored, because they would change whom the connection trusts or how it
 *       proves itself: an encrypted key without {@code sslpassword} (pgjdbc asks on the console or
 *       calls {@code sslpasswordcallback}); with a verifying mode, an {@code sslfactory} other than
 *       the default and {@code DefaultJavaSSLFactory}; with {@code verify-full}, an {@code
 *       sslhostnameverifier}. With {@code prefer}/{@code require} any other {@code sslfactory} is
 *       ignored and the server is not verified, as before (pgjdbc would use that factory; with
 *       {@code DefaultJavaSSLFactory} both verify the chain, as pgjdbc does in every mode).
 *   <li>TLS always starts with an SSLRequest; {@code sslNegotiation=direct} (PostgreSQL 17's direct
 *       TLS) is not used, which PostgreSQL 17 still accepts.
 * </ul>
 */
package org.pgjcache.backend.postgres.listen;
