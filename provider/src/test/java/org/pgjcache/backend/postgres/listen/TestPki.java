package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * A throwaway PKI made at test time with the JDK's {@code keytool} (no OpenSSL needed): a test CA,
 * a second CA nobody trusts, a server certificate for {@code localhost} only, and a client
 * certificate for role {@value #CLIENT_ROLE} in the key formats the LISTEN connection reads.
 */
final class TestPki {

  static final String CLIENT_ROLE = "certuser";
  static final String KEY_PASSWORD = "s3cret key";
  private static final String STORE_PASSWORD = "changeit";

  final Path dir;

  /** PEM of the test CA: what {@code sslrootcert} points to. */
  final Path caCert;

  /** PEM of a CA that signed nothing the server presents. */
  final Path otherCaCert;

  /** PEM: the server's certificate, SAN {@code DNS:localhost} only, signed by the test CA. */
  final Path serverCert;

  /** PEM PKCS#8 of the server's key, as PostgreSQL reads it. */
  final Path serverKey;

  /** PEM: the client certificate, CN {@value #CLIENT_ROLE}, signed by the test CA. */
  final Path clientCert;

  /** Client key as pgjdbc's default format: PKCS#8 DER. */
  final Path clientKeyDer;

  /** Client key as PEM PKCS#8. */
  final Path clientKeyPem;

  /** Client key as encrypted PKCS#8 DER (PBES2, AES-256), password {@link #KEY_PASSWORD}. */
  final Path clientKeyEncrypted;

  /** Client key and chain as PKCS#12 with entry {@code user}, password {@link #KEY_PASSWORD}. */
  final Path clientP12;

  private TestPki(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.crt");
    this.otherCaCert = dir.resolve("other-ca.crt");
    this.serverCert = dir.resolve("server.crt");
    this.serverKey = dir.resolve("server.key");
    this.clientCert = dir.resolve("client.crt");
    this.clientKeyDer = dir.resolve("client.pk8");
    this.clientKeyPem = dir.resolve("client.key");
    this.clientKeyEncrypted = dir.resolve("client-encrypted.pk8");
    this.clientP12 = dir.resolve("client.p12");
  }

  /** Whether the JDK this test runs on has keytool (a JRE-only image would not). */
  static boolean keytoolAvailable() {
    return Files.isExecutable(keytool());
  }

  static TestPki create(Path dir)
      throws IOException, InterruptedException, GeneralSecurityException {
    TestPki pki = new TestPki(dir);
    pki.make();
    return pki;
  }

  private void make() throws IOException, InterruptedException, GeneralSecurityException {
    keyPair("ca", "CN=pgjcache test CA", "-ext", "bc:c");
    keyPair("other-ca", "CN=pgjcache untrusted CA", "-ext", "bc:c");
    Files.writeString(caCert, pem("CERTIFICATE", load("ca").getCertificate("ca").getEncoded()));
    Files.writeString(
        otherCaCert, pem("CERTIFICATE", load("other-ca").getCertificate("other-ca").getEncoded()));

    keyPair("server", "CN=localhost");
    sign("server", serverCert, "san=dns:localhost", "eku=serverAuth");
    Files.writeString(serverKey, pem("PRIVATE KEY", privateKey("server").getEncoded()));

    keyPair("client", "CN=" + CLIENT_ROLE);
    sign("client", clientCert, "eku=clientAuth");
    PrivateKey clientKey = privateKey("client");
    Files.write(clientKeyDer, clientKey.getEncoded());
    Files.writeString(clientKeyPem, pem("PRIVATE KEY", clientKey.getEncoded()));
    Files.write(clientKeyEncrypted, encrypt(clientKey.getEncoded(), KEY_PASSWORD));

    KeyStore p12 = KeyStore.getInstance("PKCS12");
    p12.load(null, null);
    List<Certificate> chain = new ArrayList<>(read(clientCert));
    chain.addAll(read(caCert));
    p12.setKeyEntry(
        "user", clientKey, KEY_PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
    try (OutputStream out = Files.newOutputStream(clientP12)) {
      p12.store(out, KEY_PASSWORD.toCharArray());
    }
  }

  private void keyPair(String alias, String dname, String... extra)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-keystore",
                store(alias),
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD,
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-keysize",
                "256",
                "-dname",
                dname,
                "-validity",
                "2"));
    args.addAll(List.of(extra));
    keytool(args.toArray(new String[0]));
  }

  /** Has the test CA sign {@code alias}'s key; writes the PEM certificate to {@code out}. */
  private void sign(String alias, Path out, String... extensions)
      throws IOException, InterruptedException {
    Path request = dir.resolve(alias + ".csr");
    keytool(
        "-certreq",
        "-keystore",
        store(alias),
        "-storepass",
        STORE_PASSWORD,
        "-alias",
        alias,
        "-file",
        request.toString());
    List<String> args =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-rfc",
                "-keystore",
                store("ca"),
                "-storepass",
                STORE_PASSWORD,
                "-alias",
                "ca",
                "-infile",
                request.toString(),
                "-outfile",
                out.toString(),
                "-validity",
                "2"));
    for (String extension : extensions) {
      args.add("-ext");
      args.add(extension);
    }
    keytool(args.toArray(new String[0]));
  }

  private PrivateKey privateKey(String alias) throws IOException, GeneralSecurityException {
    return (PrivateKey) load(alias).getKey(alias, STORE_PASSWORD.toCharArray());
  }

  private KeyStore load(String alias) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(store(alias)))) {
      store.load(in, STORE_PASSWORD.toCharArray());
    }
    return store;
  }

  private String store(String alias) {
    return dir.resolve(alias + ".p12").toString();
  }

  static List<Certificate> read(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /**
   * PKCS#8 EncryptedPrivateKeyInfo with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), as OpenSSL writes
   * today.
   */
  static byte[] encrypt(byte[] pkcs8, String password)
      throws GeneralSecurityException, IOException {
    String scheme = "PBEWithHmacSHA256AndAES_256";
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    SecureRandom random = new SecureRandom();
    random.nextBytes(salt);
    random.nextBytes(iv);
    Cipher cipher = Cipher.getInstance(scheme);
    cipher.init(
        Cipher.ENCRYPT_MODE,
        SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password.toCharArray())),
        new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
    // Java 17 cannot name the scheme's own parameters in an EncryptedPrivateKeyInfo; as PBES2 it
    // can.
    AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
    pbes2.init(cipher.getParameters().getEncoded());
    return new EncryptedPrivateKeyInfo(pbes2, cipher.doFinal(pkcs8)).getEncoded();
  }

  private static Path keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool");
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(keytool().toString());
    command.add("-J-XX:TieredStopAtLevel=1"); // a short-lived JVM: halves keytool's start-up
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output;
    try (InputStream in = process.getInputStream()) {
      output = in.readAllBytes();
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("keytool did not finish within 60 s: " + command);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "keytool failed ("
              + process.exitValue()
              + "): "
              + command
              + "\n"
              + new String(output, StandardCharsets.UTF_8));
    }
  }
}
