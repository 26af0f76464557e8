package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link SSLContext} for one connection attempt from a target's {@link SslMode} and
 * {@link TlsOptions}, reading the files anew each time so that renewed certificates are picked up
 * on the next reconnect.
 *
 * <p>Trust, for {@code verify-ca}/{@code verify-full}: the CA certificates in {@code sslrootcert};
 * else those in {@code root.crt} in pgjdbc's directory if that file exists; else the JVM's default
 * trust store. Client certificate, in every TLS mode (pgjdbc presents it in every mode too): see
 * {@link ClientCertificate}.
 */
final class TlsContexts {

  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

  /** An SSLContext, and where its trust came from, for messages. */
  record Context(SSLContext sslContext, String trustSource) {}

  private TlsContexts() {}

  /**
   * pgjdbc's directory for default files: {@code %APPDATA%\postgresql} on Windows, {@code
   * ~/.postgresql} elsewhere.
   */
  static Path defaultDirectory() {
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("windows")) {
      String appData = System.getenv("APPDATA");
      return Path.of(appData == null ? "" : appData, "postgresql");
    }
    return Path.of(System.getProperty("user.home", ""), ".postgresql");
  }

  /**
   * @param defaultDirectory where {@code root.crt}, {@code postgresql.crt} and {@code
   *     postgresql.pk8} are looked for when the URL names no file
   * @throws IOException naming the file and URL parameter when a file cannot be read or used
   */
  static Context create(SslMode mode, TlsOptions options, Path defaultDirectory)
      throws IOException {
    try {
      if (options.javaDefaults()) {
        return new Context(
            SSLContext.getDefault(),
            "the JVM's default SSLContext (sslfactory=" + TlsOptions.JAVA_DEFAULT_FACTORY + ")");
      }
      TrustManager[] trust;
      String trustSource;
      if (mode.verifiesCertificate()) {
        Optional<Path> anchors = trustAnchorFile(options, defaultDirectory);
        trustSource = anchors.map(Path::toString).orElse("the JVM's default trust store");
        trust = trustManagers(anchors.orElse(null));
      } else {
        trust = new TrustManager[] {new AcceptAnyServer()};
        trustSource = "none (sslmode=" + mode.urlName() + " does not verify the server)";
      }
      KeyManager[] keys =
          ClientCertificate.load(options, defaultDirectory)
              .map(certificate -> new KeyManager[] {certificate})
              .orElse(null);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return new Context(context, trustSource);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** {@code sslrootcert} if given; else the default {@code root.crt} if it exists; else none. */
  static Optional<Path> trustAnchorFile(TlsOptions options, Path defaultDirectory) {
    if (options.rootCert() != null) {
      return Optional.of(Path.of(options.rootCert()));
    }
    Path fallback = defaultDirectory.resolve("root.crt");
    if (Files.isRegularFile(fallback)) {
      return Optional.of(fallback);
    }
    LOG.debug("no sslrootcert and no {}; trusting the JVM's default trust store", fallback);
    return Optional.empty();
  }

  /** Trust managers for the CA certificates in {@code file}, or for the JVM's defaults if null. */
  private static TrustManager[] trustManagers(Path file)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (file == null) {
      factory.init((KeyStore) null);
      return factory.getTrustManagers();
    }
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    int i = 0;
    for (Certificate certificate : readCertificates(file, "sslrootcert")) {
      anchors.setCertificateEntry("ca-" + i++, certificate);
    }
    factory.init(anchors);
    return factory.getTrustManagers();
  }

  /**
   * Every certificate in {@code file}, PEM (any number, text around them allowed) or DER.
   *
   * @param parameter the URL parameter that named the file, for the message
   * @throws IOException if the file cannot be read or holds no certificate
   */
  static Collection<? extends Certificate> readCertificates(Path file, String parameter)
      throws IOException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "cannot open the " + parameter + " file " + file + ": it does not exist", e);
    } catch (CertificateException e) {
      throw new IOException(
          "cannot read certificates from the "
              + parameter
              + " file "
              + file
              + ": "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new IOException("cannot read the " + parameter + " file " + file + ": " + e, e);
    }
    if (certificates.isEmpty()) {
      throw new IOException("the " + parameter + " file " + file + " holds no certificate");
    }
    return certificates;
  }
}
