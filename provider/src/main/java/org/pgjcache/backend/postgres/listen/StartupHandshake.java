package org.pgjcache.backend.postgres.listen;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in: StartupMessage, authentication (trust, cleartext, MD5, SCRAM-SHA-256), then the server's
 * parameters and BackendKeyData up to the first ReadyForQuery.
 */
final class StartupHandshake {

  private static final Logger LOG = LoggerFactory.getLogger(StartupHandshake.class);

  private static final int AUTH_OK = 0;
  private static final int AUTH_CLEARTEXT = 3;
  private static final int AUTH_MD5 = 5;
  private static final int AUTH_SASL = 10;
  private static final int AUTH_SASL_CONTINUE = 11;
  private static final int AUTH_SASL_FINAL = 12;

  /**
   * @param backendPid server process id, for {@code pg_terminate_backend} and logs
   * @param authMethod how the server let us in: {@code trust}, {@code password}, {@code md5} or
   *     {@code SCRAM-SHA-256}
   * @param parameters ParameterStatus values reported during start-up
   */
  record Result(int backendPid, String authMethod, Map<String, String> parameters) {}

  private final ListenTarget target;
  private final Transport transport;
  private final String context;
  private String authMethod = "trust";
  private ScramSha256Client scram;
  private boolean authenticated;
  private int backendPid;
  private final Map<String, String> parameters = new LinkedHashMap<>();

  private StartupHandshake(ListenTarget target, Transport transport) {
    this.target = target;
    this.transport = transport;
    this.context =
        "could not open LISTEN connection to " + target.address() + " as user " + target.user();
  }

  static Result run(ListenTarget target, Transport transport) throws IOException {
    return new StartupHandshake(target, transport).run();
  }

  private Result run() throws IOException {
    Map<String, String> startup = new LinkedHashMap<>();
    startup.put("user", target.user());
    startup.put("database", target.database());
    if (target.applicationName() != null) {
      startup.put("application_name", target.applicationName());
    }
    startup.put("client_encoding", "UTF8");
    transport.write(FrontendMessages.startup(startup));

    while (true) {
      BackendMessage m = transport.reader().read();
      switch (m.type()) {
        case 'R' -> authenticate(m);
        case 'E' -> throw new ServerErrorException(context, ServerMessage.parse(m));
        case 'N' ->
            LOG.info(
                "server notice while connecting to {}: {}",
                target.address(),
                ServerMessage.parse(m).describe());
        case 'S' -> parameters.put(m.cstring(), m.cstring());
        case 'K' -> backendPid = m.int32();
        case 'v' -> negotiateProtocolVersion(m);
        case 'Z' -> {
          if (!authenticated) {
            throw new IOException("protocol error: ReadyForQuery before AuthenticationOk");
          }
          return new Result(backendPid, authMethod, Map.copyOf(parameters));
        }
        default ->
            throw new IOException(
                "protocol error: unexpected message '" + m.type() + "' during start-up");
      }
    }
  }

  private void authenticate(BackendMessage m) throws IOException {
    int code = m.int32();
    switch (code) {
      case AUTH_OK -> {
        if (scram != null && !scram.isComplete()) {
          // A server that skips SASLFinal has not proven it knows the verifier.
          throw new IOException("SCRAM: server reported success without proving its identity");
        }
        authenticated = true;
      }
      case AUTH_CLEARTEXT -> {
        authMethod = "password";
        transport.write(FrontendMessages.password(requirePassword("password")));
      }
      case AUTH_MD5 -> {
        authMethod = "md5";
        byte[] salt = m.bytes(4);
        transport.write(
            FrontendMessages.password(
                Md5Password.response(target.user(), requirePassword("md5"), salt)));
      }
      case AUTH_SASL -> {
        List<String> mechanisms = new ArrayList<>();
        for (String name = m.cstring(); !name.isEmpty(); name = m.cstring()) {
          mechanisms.add(name);
        }
        if (!mechanisms.contains(ScramSha256Client.MECHANISM)) {
          throw new IOException(
              context
                  + ": the server offers only SASL mechanisms "
                  + mechanisms
                  + ", of which this client supports none");
        }
        authMethod = ScramSha256Client.MECHANISM;
        scram = ScramSha256Client.forPostgres(requirePassword(ScramSha256Client.MECHANISM));
        transport.write(
            FrontendMessages.saslInitialResponse(
                ScramSha256Client.MECHANISM, scram.clientFirstMessage()));
      }
      case AUTH_SASL_CONTINUE ->
          transport.write(
              FrontendMessages.saslResponse(requireScram().clientFinalMessage(m.rest())));
      case AUTH_SASL_FINAL -> requireScram().verifyServerFinal(m.rest());
      default ->
          throw new IOException(
              context
                  + ": the server asks for authentication method "
                  + code
                  + " ("
                  + methodName(code)
                  + "), which this client does not support;"
                  + " use trust, password, md5 or scram-sha-256 in pg_hba.conf");
    }
  }

  private ScramSha256Client requireScram() throws IOException {
    if (scram == null) {
      throw new IOException("protocol error: SASL message without a SASL exchange");
    }
    return scram;
  }

  private String requirePassword(String method) throws IOException {
    if (target.password() == null) {
      throw new IOException(
          context + ": the server asks for a password (" + method + ") but none was configured");
    }
    return target.password();
  }

  private void negotiateProtocolVersion(BackendMessage m) throws IOException {
    int newestMinor = m.int32();
    int unrecognized = m.int32();
    List<String> options = new ArrayList<>();
    for (int i = 0; i < unrecognized; i++) {
      options.add(m.cstring());
    }
    LOG.debug(
        "{} supports protocol 3.{}; unrecognized options {}",
        target.address(),
        newestMinor,
        options);
  }

  private static String methodName(int code) {
    return switch (code) {
      case 2 -> "Kerberos V5";
      case 6 -> "SCM credentials";
      case 7 -> "GSSAPI";
      case 8 -> "GSSAPI continue";
      case 9 -> "SSPI";
      default -> "unknown";
    };
  }
}
