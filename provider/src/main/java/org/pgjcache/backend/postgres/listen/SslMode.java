package org.pgjcache.backend.postgres.listen;

/**
 * Whether the LISTEN connection encrypts and whom it trusts, with libpq's and pgjdbc's meaning of
 * the names, so that the one JDBC URL the pool uses means the same for this connection.
 *
 * <p>{@code prefer} and {@code require} protect against eavesdropping, not against an impostor
 * server: the certificate is not checked. {@code verify-ca} checks that the server's certificate
 * chains up to a trusted CA, {@code verify-full} also that it was issued for the host name in the
 * URL; see {@link TlsOptions} for where the trusted certificates come from.
 */
public enum SslMode {
  /** Plain TCP; never sends an SSLRequest. */
  DISABLE,
  /** Asks for TLS and falls back to plain TCP if the server declines. */
  PREFER,
  /** Asks for TLS and fails if the server declines; the certificate is not verified. */
  REQUIRE,
  /** TLS or nothing; the server's certificate must chain up to a trusted CA. */
  VERIFY_CA,
  /** As {@link #VERIFY_CA}, and the certificate must name the host the URL names. */
  VERIFY_FULL;

  /** Whether a server that declines TLS is refused. */
  public boolean requiresTls() {
    return this.compareTo(REQUIRE) >= 0;
  }

  /** Whether the server's certificate chain is checked against trusted CAs. */
  public boolean verifiesCertificate() {
    return this == VERIFY_CA || this == VERIFY_FULL;
  }

  /** Whether the server's certificate must name the host connected to. */
  public boolean verifiesHostName() {
    return this == VERIFY_FULL;
  }

  /** The name as written in a JDBC URL, such as {@code verify-full}. */
  public String urlName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
