package org.pgjcache.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pgjcache.bench.peers.Peer;

/**
 * Turns one run's results into the tables the README shows: the figures per workload and peer,
 * pgjcache's speed relative to each peer, and every target of issue 5 with its measured ratio and
 * whether it was met. Prints them and writes {@code results.md} next to the JSON.
 */
public final class RatioTable {

  private final Results r;
  private final StringBuilder out = new StringBuilder();

  private RatioTable(Results results) {
    this.r = results;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "results");
    String markdown = render(Results.load(dir));
    Files.writeString(dir.resolve("results.md"), markdown, StandardCharsets.UTF_8);
    PrintStream console =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    console.print(markdown);
    console.flush();
  }

  /** The whole report as Markdown. */
  public static String render(Results results) {
    RatioTable table = new RatioTable(results);
    table.figures();
    table.tails();
    table.ratios();
    table.targets();
    table.propagation();
    table.memory();
    return table.out.toString();
  }

  /** A workload row: how to read each peer's figure and whether higher is better. */
  record Row(
      String label,
      String benchmark,
      String secondary,
      boolean higherBetter,
      String rawParam,
      String rawBenchmark,
      String unit) {}

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            "get, 1 thread",
            "GetBench.get1",
            null,
            false,
            null,
            "RawReadBench.pointSelect",
            "ns/op"));
    rows.add(new Row("get, 4 threads", "GetBench.get4", null, true, null, null, "ops/s"));
    rows.add(
        new Row(
            "get, 4 readers while 1 thread writes",
            "GetBench.rw",
            "rwRead",
            true,
            null,
            null,
            "ops/s"));
    rows.add(new Row("put by that 1 writer", "GetBench.rw", "rwWrite", true, null, null, "ops/s"));
    rows.add(
        new Row(
            "put, 1 thread (mean)",
            "PutBench.put1",
            null,
            false,
            "upsert-notify",
            "RawWriteBench.write1",
            "µs/op"));
    rows.add(
        new Row(
            "put, 8 threads",
            "PutBench.put8",
            null,
            true,
            "upsert-notify",
            "RawWriteBench.write8",
            "ops/s"));
    rows.add(
        new Row(
            "put, 16 threads",
            "PutBench.put16",
            null,
            true,
            "upsert-notify",
            "RawWriteBench.write16",
            "ops/s"));
    rows.add(
        new Row(
            "putAll 1,000",
            "BulkBench.putAll",
            null,
            false,
            null,
            "RawReadBench.bulkUnnest",
            "µs/op"));
    rows.add(new Row("getAll 1,000", "BulkBench.getAll", null, false, null, null, "µs/op"));
    rows.add(new Row("removeAll 1,000", "BulkBench.removeAll", null, false, null, null, "µs/op"));
    rows.add(
        new Row(
            "invoke on 1 hot key, 8 threads",
            "InvokeBench.invoke8",
            null,
            true,
            null,
            null,
            "ops/s"));
    return rows;
  }

  Double figure(Row row, String impl) {
    return row.secondary == null
        ? r.score(row.benchmark, impl)
        : r.secondary(row.benchmark, impl, row.secondary);
  }

  Double raw(Row row) {
    return row.rawBenchmark == null ? null : r.score(row.rawBenchmark, row.rawParam);
  }

  Double rawUpsert(Row row) {
    return row.rawParam == null ? null : r.score(row.rawBenchmark, "upsert");
  }

  private void figures() {
    out.append("### Figures\n\n");
    out.append("Machine: ")
        .append(r.note("cores", "?"))
        .append(" cores, ")
        .append(r.note("maxMemoryGiB", "?"))
        .append(" GiB, ")
        .append(r.note("java", "?"))
        .append(". PostgreSQL: ")
        .append(r.note("postgres", "?"))
        .append(". ")
        .append(r.note("redis", ""))
        .append(".")
        .append(
            Boolean.parseBoolean(r.note("quick", "false")) ? " **Quick run** (1 iteration)." : "")
        .append(" Suite took ")
        .append(r.note("suiteSeconds", "?"))
        .append(" s; load average ")
        .append(r.note("loadAverageAtStart", "?"))
        .append(" at the start, ")
        .append(r.note("loadAverageAtEnd", "?"))
        .append(" at the end.\n\n");
    out.append(
        "| workload | unit | pgjcache | pgjcache relaxed | Caffeine | Redisson | Hazelcast |"
            + " raw JDBC (upsert+NOTIFY · select · unnest) | raw upsert |\n");
    out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Row row : rows()) {
      out.append("| ")
          .append(row.label)
          .append(" | ")
          .append(row.unit)
          .append(" | ")
          .append(fmt(figure(row, Peer.PGJCACHE)))
          .append(" | ")
          .append(fmt(figure(row, Peer.PGJCACHE_RELAXED)))
          .append(" | ")
          .append(fmt(figure(row, Peer.CAFFEINE)))
          .append(" | ")
          .append(redisson(figure(row, Peer.REDISSON)))
          .append(" | ")
          .append(fmt(figure(row, Peer.HAZELCAST)))
          .append(" | ")
          .append(fmt(raw(row)))
          .append(" | ")
          .append(fmt(rawUpsert(row)))
          .append(" |\n");
    }
    Double p50 = r.percentile("PutBench.put1", Peer.PGJCACHE, "50.0");
    Double p99 = r.percentile("PutBench.put1", Peer.PGJCACHE, "99.0");
    out.append("\nput, 1 thread, p50 / p99 µs: pgjcache ")
        .append(fmt(p50))
        .append(" / ")
        .append(fmt(p99))
        .append("; pgjcache relaxed ")
        .append(fmt(r.percentile("PutBench.put1", Peer.PGJCACHE_RELAXED, "50.0")))
        .append(" / ")
        .append(fmt(r.percentile("PutBench.put1", Peer.PGJCACHE_RELAXED, "99.0")))
        .append("; Redisson ")
        .append(redisson(r.percentile("PutBench.put1", Peer.REDISSON, "50.0")))
        .append(" / ")
        .append(redisson(r.percentile("PutBench.put1", Peer.REDISSON, "99.0")))
        .append("; raw upsert+NOTIFY ")
        .append(fmt(r.percentile("RawWriteBench.write1", "upsert-notify", "50.0")))
        .append(" / ")
        .append(fmt(r.percentile("RawWriteBench.write1", "upsert-notify", "99.0")))
        .append("; raw upsert ")
        .append(fmt(r.percentile("RawWriteBench.write1", "upsert", "50.0")))
        .append(" / ")
        .append(fmt(r.percentile("RawWriteBench.write1", "upsert", "99.0")))
        .append(".\n\n");
    out.append(
            "Ceiling of put with 8 / 16 threads (`RawBatchBench`: one connection committing 8 / 16"
                + " rows per statement, each with its NOTIFY, nothing in front of PostgreSQL): ")
        .append(fmt(r.ceiling("8")))
        .append(" / ")
        .append(fmt(r.ceiling("16")))
        .append(" rows/s; with `synchronous_commit = off` (`RawBatchRelaxedBench`, the ceiling of")
        .append(" relaxed puts) ")
        .append(fmt(r.relaxedCeiling("8")))
        .append(" / ")
        .append(fmt(r.relaxedCeiling("16")))
        .append(" rows/s.\n\n");
  }

  /** Issue 14, point 5: the tail of {@code put} with 8 threads, from the sample-mode benchmark. */
  private void tails() {
    String bench = "PutBench.put8Sample";
    if (r.score(bench, Peer.PGJCACHE) == null) {
      return;
    }
    out.append("### put latency, 8 threads (sample mode, µs)\n\n");
    out.append(
        "| | pgjcache | pgjcache relaxed | Redisson | Hazelcast | pgjcache vs Redisson |"
            + " pgjcache vs Hazelcast |\n|---|--:|--:|--:|--:|--:|--:|\n");
    String[][] rows = {{"mean", null}, {"p50", "50.0"}, {"p99", "99.0"}, {"p99.9", "99.9"}};
    for (String[] row : rows) {
      Double pg = tail(bench, Peer.PGJCACHE, row[1]);
      Double redisson = tail(bench, Peer.REDISSON, row[1]);
      Double hazelcast = tail(bench, Peer.HAZELCAST, row[1]);
      out.append("| ")
          .append(row[0])
          .append(" | ")
          .append(fmt(pg))
          .append(" | ")
          .append(fmt(tail(bench, Peer.PGJCACHE_RELAXED, row[1])))
          .append(" | ")
          .append(redisson(redisson))
          .append(" | ")
          .append(fmt(hazelcast))
          .append(" | ")
          .append(ratio(pg, redisson, false))
          .append(" | ")
          .append(ratio(pg, hazelcast, false))
          .append(" |\n");
    }
    out.append("\nN× means pgjcache's put takes 1/N of the peer's time at that percentile.\n\n");
  }

  /** A sample-mode benchmark's mean ({@code percentile} null) or percentile. */
  private Double tail(String benchmark, String impl, String percentile) {
    return percentile == null
        ? r.score(benchmark, impl)
        : r.percentile(benchmark, impl, percentile);
  }

  private void ratios() {
    out.append("### pgjcache's speed relative to each peer\n\n");
    out.append(
        "N× means pgjcache does N times the work per second (or needs 1/N of the time); "
            + "below 1× the peer is faster.\n\n");
    out.append(
        "| workload | vs Caffeine | vs Redisson | vs Hazelcast | vs raw JDBC |"
            + " pgjcache relaxed vs raw JDBC |\n");
    out.append("|---|--:|--:|--:|--:|--:|\n");
    for (Row row : rows()) {
      Double pg = figure(row, Peer.PGJCACHE);
      out.append("| ")
          .append(row.label)
          .append(" | ")
          .append(ratio(pg, figure(row, Peer.CAFFEINE), row.higherBetter))
          .append(" | ")
          .append(
              r.has(Peer.REDISSON)
                  ? ratio(pg, figure(row, Peer.REDISSON), row.higherBetter)
                  : "skipped: no Redis")
          .append(" | ")
          .append(ratio(pg, figure(row, Peer.HAZELCAST), row.higherBetter))
          .append(" | ")
          .append(ratio(pg, raw(row), row.higherBetter))
          .append(" | ")
          .append(ratio(figure(row, Peer.PGJCACHE_RELAXED), raw(row), row.higherBetter))
          .append(" |\n");
    }
    out.append('\n');
  }

  /** Issue 14, point 1: puts against what one connection could commit with nothing in front. */
  private static final double SHARE_OF_CEILING = 0.85;

  private void targets() {
    out.append("### Targets of issue 5\n\n| target | measured | met |\n|---|---|:-:|\n");
    Double get1 = r.score("GetBench.get1", Peer.PGJCACHE);
    Double caffeine = r.score("GetBench.get1", Peer.CAFFEINE);
    target(
        "replica get ≤ 1.5× Caffeine's time",
        div(get1, caffeine),
        "×",
        false,
        1.5,
        fmt(get1) + " ns vs " + fmt(caffeine) + " ns");
    Double redissonGet = r.score("GetBench.get1", Peer.REDISSON);
    target(
        "replica get ≥ 500× faster than Redisson's",
        div(redissonGet, get1),
        "×",
        true,
        500,
        redisson(redissonGet) + " ns vs " + fmt(get1) + " ns");
    Double rwRead = r.secondary("GetBench.rw", Peer.PGJCACHE, "rwRead");
    Double one = get1 == null ? null : 1e9 / get1;
    target(
        "4 readers + 1 writer: reader throughput ≥ 1.7× one reader's",
        div(rwRead, one),
        "×",
        true,
        1.7,
        fmt(rwRead) + " vs " + fmt(one) + " gets/s");
    Double put1 = r.score("PutBench.put1", Peer.PGJCACHE);
    Double rawNotify1 = r.score("RawWriteBench.write1", "upsert-notify");
    target(
        "put, 1 thread ≤ 1.1× raw upsert + NOTIFY",
        div(put1, rawNotify1),
        "×",
        false,
        1.1,
        fmt(put1) + " µs vs " + fmt(rawNotify1) + " µs (means)");
    Double relaxed1 = r.score("PutBench.put1", Peer.PGJCACHE_RELAXED);
    Double redisson1 = r.score("PutBench.put1", Peer.REDISSON);
    target(
        "put, 1 thread, relaxed durability ≤ Redisson's put",
        div(relaxed1, redisson1),
        "×",
        false,
        1.0,
        fmt(relaxed1) + " µs vs " + redisson(redisson1) + " µs (means)");
    final int timesRaw = 5;
    final int timesRedisson = 2;
    for (String threads : new String[] {"8", "16"}) {
      Double pg = r.score("PutBench.put" + threads, Peer.PGJCACHE);
      Double rawN = r.score("RawWriteBench.write" + threads, "upsert-notify");
      Double red = r.score("PutBench.put" + threads, Peer.REDISSON);
      target(
          "put, " + threads + " threads ≥ " + timesRaw + "× raw upsert + NOTIFY",
          div(pg, rawN),
          "×",
          true,
          timesRaw,
          fmt(pg) + " vs " + fmt(rawN) + " puts/s");
      target(
          "put, " + threads + " threads ≥ " + timesRedisson + "× Redisson's",
          div(pg, red),
          "×",
          true,
          timesRedisson,
          fmt(pg) + " vs " + redisson(red) + " puts/s");
      Double ceiling = r.ceiling(threads);
      target(
          "put, "
              + threads
              + " threads, share of the ceiling ("
              + threads
              + " rows per commit,"
              + " nothing in front of PostgreSQL)",
          div(pg, ceiling),
          "×",
          true,
          SHARE_OF_CEILING,
          fmt(pg)
              + " vs "
              + fmt(ceiling)
              + " rows/s; the two targets above need "
              + fmt(rawN == null ? null : timesRaw * rawN)
              + " and "
              + redisson(red == null ? null : timesRedisson * red));
    }
    for (String threads : new String[] {"8", "16"}) {
      Double relaxed = r.score("PutBench.put" + threads, Peer.PGJCACHE_RELAXED);
      Double ceiling = r.relaxedCeiling(threads);
      target(
          "put, relaxed durability, "
              + threads
              + " threads, share of the ceiling with `synchronous_commit = off`",
          div(relaxed, ceiling),
          "×",
          true,
          SHARE_OF_CEILING,
          fmt(relaxed) + " vs " + fmt(ceiling) + " rows/s");
    }
    Double putAll = r.score("BulkBench.putAll", Peer.PGJCACHE);
    Double unnest = r.score("RawReadBench.bulkUnnest", null);
    target(
        "putAll 1,000 ≥ 0.8× raw bulk unnest (rows/s)",
        div(unnest, putAll),
        "×",
        true,
        0.8,
        fmt(putAll) + " µs vs " + fmt(unnest) + " µs");
    Double redissonPutAll = r.score("BulkBench.putAll", Peer.REDISSON);
    target(
        "putAll 1,000 ≥ Redisson's (rows/s)",
        div(redissonPutAll, putAll),
        "×",
        true,
        1.0,
        fmt(putAll) + " µs vs " + redisson(redissonPutAll) + " µs");
    Double getAll = r.score("BulkBench.getAll", Peer.PGJCACHE);
    Double caffeineGetAll = r.score("BulkBench.getAll", Peer.CAFFEINE);
    target(
        "getAll served from the replica (time vs Caffeine's)",
        div(getAll, caffeineGetAll),
        "×",
        false,
        Double.NaN,
        fmt(getAll) + " µs vs " + fmt(caffeineGetAll) + " µs");
    for (String listener : new String[] {"asynchronous", "synchronous"}) {
      for (String mode : new String[] {"paced", "back-to-back"}) {
        Double p50 = r.propagation(listener, mode, "fromReturnMicros", "p50");
        Double p99 = r.propagation(listener, mode, "fromReturnMicros", "p99");
        target(
            "propagation p50 ≤ 0.3 ms, " + mode + ", " + listener + " listener",
            p50 == null ? null : p50 / 1000,
            " ms",
            false,
            0.3,
            fmt(p50) + " µs");
        target(
            "propagation p99 ≤ 5 ms, " + mode + ", " + listener + " listener",
            p99 == null ? null : p99 / 1000,
            " ms",
            false,
            5,
            fmt(p99) + " µs");
      }
    }
    Double writer = r.memory("pgjcacheWriterOverheadBytesPerEntry");
    Double attached = r.memory("pgjcacheAttachedNodeOverheadBytesPerEntry");
    target(
        "replica overhead ≤ 100 bytes per entry (writing node)",
        writer,
        " B",
        false,
        100,
        "for " + fmt(r.memory("entries")) + " entries");
    target(
        "replica overhead ≤ 100 bytes per entry (attached node)",
        attached,
        " B",
        false,
        100,
        "for " + fmt(r.memory("entries")) + " entries");
    Double attach = r.memory("attachMillis.median");
    target(
        "attaching " + fmt(r.memory("attachEntries")) + " entries ≤ 1 s",
        attach == null ? null : attach / 1000,
        " s",
        false,
        1.0,
        "median of 5: " + fmt(attach) + " ms");
    out.append('\n');
  }

  private void target(
      String what, Double value, String unit, boolean atLeast, double bound, String detail) {
    String met;
    if (value == null || value.isNaN()) {
      met = "n/a";
    } else if (Double.isNaN(bound)) {
      met = "info";
    } else {
      met = (atLeast ? value >= bound : value <= bound) ? "yes" : "**no**";
    }
    out.append("| ")
        .append(what)
        .append(" | ")
        .append(fmt(value))
        .append(unit)
        .append(" (")
        .append(detail)
        .append(") | ")
        .append(met)
        .append(" |\n");
  }

  private void propagation() {
    List<JsonNode> series = r.propagationSeries();
    if (series.isEmpty()) {
      return;
    }
    out.append("### Propagation (µs from the write's return to the receipt)\n\n");
    out.append(
        "| writer | receiver | mode | p50 | p90 | p99 | max | p50 from write start |"
            + " write p50 | received |\n|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for (JsonNode s : series) {
      JsonNode from = s.path("fromReturnMicros");
      out.append("| ")
          .append(s.path("system").asText())
          .append(" | ")
          .append(s.path("receiver").asText())
          .append(" | ")
          .append(s.path("mode").asText())
          .append(" | ")
          .append(fmt(from.path("p50").asDouble()))
          .append(" | ")
          .append(fmt(from.path("p90").asDouble()))
          .append(" | ")
          .append(fmt(from.path("p99").asDouble()))
          .append(" | ")
          .append(fmt(from.path("max").asDouble()))
          .append(" | ")
          .append(fmt(s.path("fromStartMicros").path("p50").asDouble()))
          .append(" | ")
          .append(fmt(s.path("writeMicros").path("p50").asDouble()))
          .append(" | ")
          .append(s.path("received").asInt())
          .append('/')
          .append(s.path("updates").asInt())
          .append(" |\n");
    }
    out.append('\n');
  }

  private void memory() {
    if (r.memory("entries") == null) {
      return;
    }
    out.append("### Replica memory (bytes per entry beyond key and value, ")
        .append(fmt(r.memory("entries")))
        .append(" entries of Long → String(100))\n\n");
    out.append("| structure | bytes/entry |\n|---|--:|\n");
    out.append("| key + value themselves (Long + 100-char String) | ")
        .append(fmt(r.memory("keyAndValueBytesPerEntry")))
        .append(" |\n");
    out.append("| ConcurrentHashMap (floor) | ")
        .append(fmt(r.memory("concurrentHashMapOverheadBytesPerEntry")))
        .append(" |\n");
    out.append("| Caffeine JCache | ")
        .append(fmt(r.memory("caffeineOverheadBytesPerEntry")))
        .append(" |\n");
    out.append("| pgjcache replica, writing node | ")
        .append(fmt(r.memory("pgjcacheWriterOverheadBytesPerEntry")))
        .append(" |\n");
    out.append("| pgjcache replica, attached node | ")
        .append(fmt(r.memory("pgjcacheAttachedNodeOverheadBytesPerEntry")))
        .append(" |\n\n");
    out.append("Attaching: ")
        .append(fmt(r.memory("attachEntries")))
        .append(" entries in ")
        .append(fmt(r.memory("attachMillis.median")))
        .append(" ms (median of 5, min ")
        .append(fmt(r.memory("attachMillis.min")))
        .append(" ms); all ")
        .append(fmt(r.memory("entries")))
        .append(" in ")
        .append(fmt(r.memory("attachMillisAllEntries")))
        .append(" ms.\n");
  }

  private String redisson(Double value) {
    return value == null && !r.has(Peer.REDISSON) ? "skipped: no Redis" : fmt(value);
  }

  static Double div(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : a / b;
  }

  static String ratio(Double pg, Double peer, boolean higherBetter) {
    Double ratio = higherBetter ? div(pg, peer) : div(peer, pg);
    return ratio == null ? "–" : fmt(ratio) + "×";
  }

  static String fmt(Double value) {
    if (value == null || value.isNaN()) {
      return "–";
    }
    double v = Math.abs(value);
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (v >= 0.1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
