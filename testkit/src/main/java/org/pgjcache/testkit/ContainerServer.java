package org.pgjcache.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL container run by Testcontainers. Testcontainers is an optional dependency: {@link
 * TestDatabase} only touches this class after checking that Testcontainers can be loaded, so that
 * the rest of the testkit works without it.
 */
final class ContainerServer implements Server {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerServer.class);
  static final String DEFAULT_IMAGE = "postgres:16-alpine";

  private final PostgreSQLContainer<?> container;
  private final Endpoint endpoint;

  private ContainerServer(PostgreSQLContainer<?> container) {
    this.container = container;
    this.endpoint =
        Endpoint.of(
            container.getHost(),
            container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
            container.getDatabaseName(),
            container.getUsername(),
            container.getPassword());
  }

  /**
   * Starts a container when Docker answers. Without any sign of a Docker engine (no {@code
   * DOCKER_HOST}, no Testcontainers configuration, none of the usual sockets) Testcontainers is not
   * even asked: asking costs close to half a second and logs an error, and most machines without
   * Docker show no such sign.
   *
   * @return the started container, or empty when there is no Docker engine
   */
  static Optional<Server> startIfDockerAnswers(boolean askEvenWithoutHints) {
    if (!askEvenWithoutHints) {
      Optional<String> hint = dockerHint();
      if (hint.isEmpty()) {
        LOG.debug(
            "No Docker engine in sight (no DOCKER_HOST, ~/.testcontainers.properties or Docker socket);"
                + " not using Testcontainers");
        return Optional.empty();
      }
      LOG.debug("Docker hint: {}; asking Testcontainers whether Docker answers", hint.get());
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      LOG.info("Testcontainers found no working Docker engine; not using it");
      return Optional.empty();
    }
    String image = Settings.get(Settings.POSTGRES_IMAGE).orElse(DEFAULT_IMAGE);
    PostgreSQLContainer<?> container =
        new PostgreSQLContainer<>(
            DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"));
    container.withCommand(
        "postgres",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=" + EmbeddedServer.MAX_CONNECTIONS);
    container.start();
    return Optional.of(new ContainerServer(container));
  }

  private static Optional<String> dockerHint() {
    for (String variable :
        List.of(
            "DOCKER_HOST",
            "TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE",
            "TESTCONTAINERS_HOST_OVERRIDE")) {
      String value = System.getenv(variable);
      if (value != null && !value.isBlank()) {
        return Optional.of("$" + variable);
      }
    }
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      return Optional.of("Windows (named pipe)");
    }
    String home = System.getProperty("user.home", "");
    List<Path> candidates =
        new ArrayList<>(
            List.of(
                Path.of(home, ".testcontainers.properties"),
                Path.of("/var/run/docker.sock"),
                Path.of("/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(home, ".colima", "default", "docker.sock"),
                Path.of(home, ".colima", "docker.sock"),
                Path.of(home, ".rd", "docker.sock")));
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    if (runtimeDir != null && !runtimeDir.isBlank()) {
      candidates.add(Path.of(runtimeDir, "docker.sock"));
      candidates.add(Path.of(runtimeDir, "podman", "podman.sock"));
    }
    return candidates.stream().filter(Files::exists).map(Path::toString).findFirst();
  }

  @Override
  public String kind() {
    return "testcontainers";
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    container.stop();
  }
}
