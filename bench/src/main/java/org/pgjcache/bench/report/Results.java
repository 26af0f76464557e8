package org.pgjcache.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run's figures, read back from the results directory: JMH's {@code jmh.json}, and the {@code
 * propagation.json}, {@code memory.json} and {@code run.json} the suite's own programs write.
 * Missing files or entries read as null, so a partial run still reports what it has.
 */
public final class Results {

  private final List<JsonNode> jmh = new ArrayList<>();
  private final JsonNode propagation;
  private final JsonNode memory;
  private final JsonNode run;

  private Results(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode all = read(json, dir.resolve("jmh.json"));
    if (all != null) {
      all.forEach(jmh::add);
    }
    propagation = read(json, dir.resolve("propagation.json"));
    memory = read(json, dir.resolve("memory.json"));
    run = read(json, dir.resolve("run.json"));
  }

  public static Results load(Path dir) throws IOException {
    return new Results(dir);
  }

  private static JsonNode read(ObjectMapper json, Path file) throws IOException {
    return Files.exists(file) ? json.readTree(file.toFile()) : null;
  }

  /** A JMH result by benchmark ({@code Class.method}) and parameter value (impl or op), or null. */
  JsonNode find(String benchmark, String param) {
    for (JsonNode result : jmh) {
      String name = result.path("benchmark").asText();
      if (!name.endsWith("." + benchmark)) {
        continue;
      }
      JsonNode params = result.path("params");
      if (param == null && params.isMissingNode()) {
        return result;
      }
      if (param != null
          && (param.equals(params.path("impl").asText(null))
              || param.equals(params.path("op").asText(null))
              || param.equals(params.path("rows").asText(null)))) {
        return result;
      }
    }
    return null;
  }

  /** The primary score (in the benchmark's unit), or null. */
  public Double score(String benchmark, String param) {
    JsonNode r = find(benchmark, param);
    return r == null ? null : r.path("primaryMetric").path("score").asDouble();
  }

  /**
   * The most puts per second N threads could commit here: rows per second of {@code RawBatchBench}
   * with N rows per commit, or null.
   */
  public Double ceiling(String threads) {
    return ceiling("RawBatchBench.commit", threads);
  }

  /** As {@link #ceiling}, with {@code synchronous_commit = off}: the ceiling of relaxed puts. */
  public Double relaxedCeiling(String threads) {
    return ceiling("RawBatchRelaxedBench.commit", threads);
  }

  private Double ceiling(String benchmark, String threads) {
    Double commits = score(benchmark, threads);
    return commits == null ? null : commits * Integer.parseInt(threads);
  }

  /** A percentile of a sample-mode benchmark, e.g. {@code "50.0"}, or null. */
  public Double percentile(String benchmark, String param, String percentile) {
    JsonNode r = find(benchmark, param);
    if (r == null) {
      return null;
    }
    JsonNode p = r.path("primaryMetric").path("scorePercentiles").path(percentile);
    return p.isMissingNode() ? null : p.asDouble();
  }

  /** A secondary score of a group benchmark (e.g. {@code rwRead} of {@code rw}), or null. */
  public Double secondary(String benchmark, String param, String metric) {
    JsonNode r = find(benchmark, param);
    if (r == null) {
      return null;
    }
    JsonNode m = r.path("secondaryMetrics").path(metric).path("score");
    return m.isMissingNode() ? null : m.asDouble();
  }

  /** The unit of a benchmark's score, or an empty string. */
  public String unit(String benchmark, String param) {
    JsonNode r = find(benchmark, param);
    return r == null ? "" : r.path("primaryMetric").path("scoreUnit").asText();
  }

  /** Propagation percentiles (µs) of a series, by receiver and mode, or null. */
  public Double propagation(String receiverPrefix, String mode, String from, String percentile) {
    if (propagation == null) {
      return null;
    }
    for (JsonNode s : propagation.path("series")) {
      if (s.path("receiver").asText().startsWith(receiverPrefix)
          && s.path("mode").asText().equals(mode)) {
        JsonNode v = s.path(from).path(percentile);
        return v.isMissingNode() ? null : v.asDouble();
      }
    }
    return null;
  }

  /** All propagation series, for tables that list them. */
  public List<JsonNode> propagationSeries() {
    List<JsonNode> out = new ArrayList<>();
    if (propagation != null) {
      propagation.path("series").forEach(out::add);
    }
    return out;
  }

  /** A figure of {@code memory.json} by field path such as {@code attachMillis.median}, or null. */
  public Double memory(String path) {
    if (memory == null) {
      return null;
    }
    JsonNode node = memory;
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node.isMissingNode() || !node.isNumber() ? null : node.asDouble();
  }

  /** A note of {@code run.json} (machine, Redis, duration), or the fallback. */
  public String note(String key, String fallback) {
    return run == null ? fallback : run.path(key).asText(fallback);
  }

  /** Whether any JMH result exists for a peer, e.g. to tell a skipped Redisson. */
  public boolean has(String param) {
    for (JsonNode result : jmh) {
      if (param.equals(result.path("params").path("impl").asText(null))) {
        return true;
      }
    }
    return false;
  }
}
