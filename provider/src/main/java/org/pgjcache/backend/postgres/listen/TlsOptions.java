package org.pgjcache.backend.postgres.listen;

import java.util.Objects;

/**
 * The TLS files and choices a JDBC URL names, kept as pgjdbc's parameters say them so that they are
 * resolved the way pgjdbc's default {@code LibPQFactory} resolves them, when the connection is
 * made.
 *
 * <p>{@code null} means "not in the URL": pgjdbc's default file in its directory ({@code
 * ~/.postgresql/} on Unix, {@code %APPDATA%\postgresql\} on Windows) is used if it exists. An empty
 * string for {@code sslcert} or {@code sslkey} means "no client certificate", as in pgjdbc.
 *
 * @param rootCert {@code sslrootcert}: file of trusted CA certificates (PEM or DER, one or more)
 * @param cert {@code sslcert}: the client certificate chain file
 * @param key {@code sslkey}: the client key, PKCS#8 (DER or PEM, optionally encrypted) or a PKCS#12
 *     file ending in {@code .p12} or {@code .pfx}
 * @param keyPassword {@code sslpassword}: decrypts the client key; never shown by {@link
 *     #toString()}
 * @param factory {@code sslfactory}: {@code null} for pgjdbc's default, or {@link
 *     #JAVA_DEFAULT_FACTORY}, which trusts what the JVM trusts
 */
public record TlsOptions(
    String rootCert, String cert, String key, String keyPassword, String factory) {

  /** Nothing in the URL: pgjdbc's defaults. */
  public static final TlsOptions DEFAULTS = new TlsOptions(null, null, null, null, null);

  /**
   * pgjdbc's factory that uses the JVM's default {@code SSLContext} (javax.net.ssl.* properties).
   */
  public static final String JAVA_DEFAULT_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";

  public TlsOptions {
    if (factory != null && !factory.equals(JAVA_DEFAULT_FACTORY)) {
      throw new IllegalArgumentException(
          "sslfactory must be null or " + JAVA_DEFAULT_FACTORY + ", was " + factory);
    }
  }

  /** Whether the JVM's default {@code SSLContext} is used instead of the files. */
  boolean javaDefaults() {
    return Objects.equals(factory, JAVA_DEFAULT_FACTORY);
  }

  /** Never shows the key password, only whether there is one. */
  @Override
  public String toString() {
    return "TlsOptions[rootCert="
        + rootCert
        + ", cert="
        + cert
        + ", key="
        + key
        + ", keyPassword="
        + (keyPassword == null ? "(none)" : "(set)")
        + ", factory="
        + factory
        + "]";
  }
}
