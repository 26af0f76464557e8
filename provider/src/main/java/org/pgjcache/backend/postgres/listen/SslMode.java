package org.pgjcache.backend.postgres.listen;

/**
 * Whether the LISTEN connection encrypts, with libpq's meaning of the names.
 *
 * <p>None of the modes verifies the server's certificate: like libpq's {@code prefer} and
 * {@code require}, they protect against eavesdropping, not against an impostor server. There are no
 * {@code verify-ca}/{@code verify-full} modes, so {@link ListenTarget#fromJdbcUrl} rejects them rather
 * than silently weakening what the user asked for.
 */
public enum SslMode {
    /** Plain TCP; never sends an SSLRequest. */
    DISABLE,
    /** Asks for TLS and falls back to plain TCP if the server declines. */
    PREFER,
    /** Asks for TLS and fails if the server declines; the certificate is not verified. */
    REQUIRE
}
