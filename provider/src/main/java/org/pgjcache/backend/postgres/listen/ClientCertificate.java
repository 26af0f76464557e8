package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client certificate this connection presents when the server asks for one, from the same files
 * pgjdbc's default factory uses: {@code sslcert} (default {@code postgresql.crt} in pgjdbc's
 * directory) and {@code sslkey} (default {@code postgresql.pk8}; a {@code .p12}/{@code .pfx} file
 * is a PKCS#12 store whose entry {@code user} is used, as in pgjdbc), with {@code sslpassword} for
 * an encrypted key.
 *
 * <p>Default files that do not exist mean "no client certificate", as in pgjdbc; a file the URL
 * names must exist. Unlike pgjdbc, which reads the files only when a server asks, they are read
 * when the connection is made, so a broken key fails at once with a message that names it instead
 * of when the server first demands a certificate.
 *
 * <p>As in pgjdbc, the certificate is only offered to a server that names its issuer among the CAs
 * it accepts (or names none), because a certificate the server cannot verify makes it refuse the
 * connection even where pg_hba.conf does not ask for one.
 */
final class ClientCertificate extends X509ExtendedKeyManager {

  private static final Logger LOG = LoggerFactory.getLogger(ClientCertificate.class);
  private static final String ALIAS = "user";

  private final X509Certificate[] chain;
  private final PrivateKey key;

  private ClientCertificate(X509Certificate[] chain, PrivateKey key) {
    this.chain = chain;
    this.key = key;
  }

  /**
   * @return the certificate to present, or empty when the URL asks for none and the default files
   *     do not exist
   * @throws IOException naming the file and parameter when a named file is missing or unusable
   */
  static Optional<ClientCertificate> load(TlsOptions options, Path defaultDirectory)
      throws IOException {
    Path key = path(options.key(), defaultDirectory.resolve("postgresql.pk8"));
    Path cert = path(options.cert(), defaultDirectory.resolve("postgresql.crt"));
    if (key == null || cert == null) {
      if (key != null && options.key() != null || cert != null && options.cert() != null) {
        throw new IOException("sslcert and sslkey go together: one is set, the other is empty");
      }
      return Optional.empty();
    }
    String keyName = key.getFileName().toString().toLowerCase(Locale.ROOT);
    if (keyName.endsWith(".p12") || keyName.endsWith(".pfx")) {
      return Optional.of(fromPkcs12(key, options.keyPassword()));
    }
    if (!Files.isRegularFile(cert)) {
      if (options.cert() != null) {
        throw new IOException("cannot open the sslcert file " + cert + ": it does not exist");
      }
      LOG.debug("no sslcert and no {}: no client certificate", cert);
      return Optional.empty();
    }
    X509Certificate[] chain = x509(TlsContexts.readCertificates(cert, "sslcert"), cert);
    if (!Files.isRegularFile(key)) {
      if (options.key() != null || options.cert() != null) {
        throw new IOException(
            "cannot open the sslkey file "
                + key
                + " for the client certificate "
                + cert
                + ": it does not exist");
      }
      LOG.warn("{} exists but {} does not; presenting no client certificate", cert, key);
      return Optional.empty();
    }
    String algorithm = chain[0].getPublicKey().getAlgorithm();
    PrivateKey privateKey =
        PrivateKeys.read(key, Files.readAllBytes(key), algorithm, options.keyPassword());
    LOG.debug(
        "client certificate {} from {} with key {}", chain[0].getSubjectX500Principal(), cert, key);
    return Optional.of(new ClientCertificate(chain, privateKey));
  }

  /** The URL's value, else the default; {@code null} for an empty value ("none"). */
  private static Path path(String configured, Path fallback) {
    if (configured == null) {
      return fallback;
    }
    return configured.isEmpty() ? null : Path.of(configured);
  }

  private static ClientCertificate fromPkcs12(Path file, String password) throws IOException {
    char[] secret = password == null ? new char[0] : password.toCharArray();
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, secret);
      Key key = store.getKey(ALIAS, secret);
      Certificate[] chain = store.getCertificateChain(ALIAS);
      if (!(key instanceof PrivateKey) || chain == null || chain.length == 0) {
        throw new IOException(
            "the PKCS#12 sslkey file "
                + file
                + " has no key entry named '"
                + ALIAS
                + "' (the alias pgjdbc uses too); it has "
                + Collections.list(store.aliases()));
      }
      return new ClientCertificate(x509(Arrays.asList(chain), file), (PrivateKey) key);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("cannot open the sslkey file " + file + ": it does not exist", e);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot read the PKCS#12 sslkey file "
              + file
              + " (wrong or missing sslpassword?): "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains(file.toString())) {
        throw e;
      }
      throw new IOException(
          "cannot read the PKCS#12 sslkey file "
              + file
              + " (wrong or missing sslpassword?): "
              + e.getMessage(),
          e);
    }
  }

  private static X509Certificate[] x509(Collection<? extends Certificate> certificates, Path file)
      throws IOException {
    X509Certificate[] chain = new X509Certificate[certificates.size()];
    int i = 0;
    for (Certificate certificate : certificates) {
      if (!(certificate instanceof X509Certificate x509)) {
        throw new IOException(
            file + " holds a " + certificate.getType() + " certificate, not X.509");
      }
      chain[i++] = x509;
    }
    return chain;
  }

  /**
   * Whether the server accepts certificates from our issuer; a server that names none gets ours.
   */
  private boolean offeredTo(String[] keyTypes, Principal[] issuers) {
    String algorithm = chain[0].getPublicKey().getAlgorithm();
    if (keyTypes != null
        && keyTypes.length > 0
        && Arrays.stream(keyTypes)
            .noneMatch(type -> type != null && type.equalsIgnoreCase(algorithm))) {
      return false;
    }
    if (issuers == null || issuers.length == 0) {
      return true;
    }
    for (X509Certificate certificate : chain) {
      for (Principal issuer : issuers) {
        if (certificate.getIssuerX500Principal().equals(issuer)) {
          return true;
        }
      }
    }
    LOG.debug(
        "not offering client certificate {}: the server accepts only certificates issued by {}",
        chain[0].getSubjectX500Principal(),
        Arrays.toString(issuers));
    return false;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return offeredTo(keyTypes, issuers) ? ALIAS : null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return offeredTo(keyTypes, issuers) ? ALIAS : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return offeredTo(new String[] {keyType}, issuers) ? new String[] {ALIAS} : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
