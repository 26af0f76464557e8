package org.pgjcache.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.pgjcache.bench.peers.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws one run's results as {@code chart.png}: a panel per workload, a bar per peer, on a
 * logarithmic scale where figures span orders of magnitude. Plain Java2D, so the chart needs
 * nothing but the JDK.
 */
public final class Chart {

  private static final Logger LOG = LoggerFactory.getLogger(Chart.class);

  private static final int PANEL_WIDTH = 700;
  private static final int PANEL_HEIGHT = 290;
  private static final int COLUMNS = 2;
  private static final int LABEL_WIDTH = 235;
  private static final int HEADER = 70;

  private static final Color PGJCACHE = new Color(0x1f5fbf);
  private static final Color RELAXED = new Color(0x7fa8e6);
  private static final Color CAFFEINE = new Color(0x2e9e44);
  private static final Color REDISSON = new Color(0xc8372d);
  private static final Color HAZELCAST = new Color(0xe8901c);
  private static final Color RAW = new Color(0x555555);
  private static final Color RAW_LIGHT = new Color(0xa0a0a0);
  private static final Color PGJDBC = new Color(0x8a4fb8);
  private static final Color EVENTS = new Color(0x1d9a9a);

  /** One bar. */
  record Bar(String label, Double value, Color color, String note) {}

  /** One panel: a workload and its bars. */
  record Panel(String title, boolean higherBetter, boolean log, List<Bar> bars) {}

  private Chart() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "results");
    Results results = Results.load(dir);
    List<Panel> panels = panels(results);
    Path file = dir.resolve("chart.png");
    ImageIO.write(draw(panels, results), "png", file.toFile());
    LOG.info("wrote {}", file);
  }

  static List<Panel> panels(Results r) {
    List<Panel> panels = new ArrayList<>();
    panels.add(
        new Panel(
            "get hit, 1 thread — ns per get (less is better)",
            false,
            true,
            peers(
                r,
                "GetBench.get1",
                null,
                "raw point select",
                r.score("RawReadBench.pointSelect", null),
                null)));
    panels.add(
        new Panel(
            "get hit, 4 threads — gets/s (more is better)",
            true,
            true,
            peers(r, "GetBench.get4", null, null, null, null)));
    panels.add(
        new Panel(
            "4 readers while 1 thread writes — reader gets/s",
            true,
            true,
            peers(r, "GetBench.rw", "rwRead", null, null, null)));
    panels.add(
        new Panel(
            "put, 1 thread — µs per put, mean (less is better)",
            false,
            true,
            withRelaxed(r, "PutBench.put1", "RawWriteBench.write1")));
    panels.add(
        new Panel("put, 8 threads — puts/s (more is better)", true, true, withCeiling(r, "8")));
    panels.add(
        new Panel("put, 16 threads — puts/s (more is better)", true, true, withCeiling(r, "16")));
    panels.add(
        new Panel(
            "put, 8 threads — p99 and p99.9 µs per put (less is better)",
            false,
            true,
            tails(r, "PutBench.put8Sample")));
    panels.add(
        new Panel(
            "putAll of 1,000 — µs per call (less is better)",
            false,
            true,
            peers(
                r,
                "BulkBench.putAll",
                null,
                "raw bulk upsert (unnest)",
                r.score("RawReadBench.bulkUnnest", null),
                null)));
    panels.add(
        new Panel(
            "getAll of 1,000 — µs per call (less is better)",
            false,
            true,
            peers(r, "BulkBench.getAll", null, null, null, null)));
    panels.add(
        new Panel(
            "invoke on one hot key, 8 threads — ops/s (more is better)",
            true,
            true,
            peers(r, "InvokeBench.invoke8", null, null, null, null)));
    panels.add(
        new Panel(
            "propagation p50, write returned → heard — µs (less is better)",
            false,
            true,
            propagation(r)));
    panels.add(
        new Panel(
            "replica memory — bytes per entry beyond key and value", false, false, memory(r)));
    panels.add(
        new Panel(
            "removeAll of 1,000 — µs per call (less is better)",
            false,
            true,
            peers(r, "BulkBench.removeAll", null, null, null, null)));
    return panels;
  }

  private static List<Bar> peers(
      Results r, String benchmark, String secondary, String rawLabel, Double raw, Color rawColor) {
    List<Bar> bars = new ArrayList<>();
    String[][] peers = {
      {Peer.PGJCACHE, "pgjcache"},
      {Peer.CAFFEINE, "Caffeine"},
      {Peer.REDISSON, "Redisson"},
      {Peer.HAZELCAST, "Hazelcast"}
    };
    Color[] colors = {PGJCACHE, CAFFEINE, REDISSON, HAZELCAST};
    for (int i = 0; i < peers.length; i++) {
      Double value =
          secondary == null
              ? r.score(benchmark, peers[i][0])
              : r.secondary(benchmark, peers[i][0], secondary);
      String note =
          value == null && peers[i][0].equals(Peer.REDISSON) && !r.has(Peer.REDISSON)
              ? "skipped: no Redis"
              : null;
      bars.add(new Bar(peers[i][1], value, colors[i], note));
    }
    if (rawLabel != null) {
      bars.add(new Bar(rawLabel, raw, rawColor == null ? RAW : rawColor, null));
    }
    return bars;
  }

  private static List<Bar> withRelaxed(Results r, String benchmark, String rawBenchmark) {
    List<Bar> bars = peers(r, benchmark, null, null, null, null);
    bars.add(
        1, new Bar("pgjcache relaxed", r.score(benchmark, Peer.PGJCACHE_RELAXED), RELAXED, null));
    bars.add(new Bar("raw upsert + NOTIFY", r.score(rawBenchmark, "upsert-notify"), RAW, null));
    bars.add(new Bar("raw upsert", r.score(rawBenchmark, "upsert"), RAW_LIGHT, null));
    return bars;
  }

  /** The put bars of N threads, and the most puts per second N threads could commit here. */
  private static List<Bar> withCeiling(Results r, String threads) {
    List<Bar> bars = withRelaxed(r, "PutBench.put" + threads, "RawWriteBench.write" + threads);
    bars.add(
        new Bar("ceiling: " + threads + " rows per commit", r.ceiling(threads), RAW_LIGHT, null));
    return bars;
  }

  /** A sample-mode benchmark's p99 and p99.9 on pgjcache, Redisson and Hazelcast. */
  private static List<Bar> tails(Results r, String benchmark) {
    List<Bar> bars = new ArrayList<>();
    String[][] peers = {
      {Peer.PGJCACHE, "pgjcache"},
      {Peer.PGJCACHE_RELAXED, "pgjcache relaxed"},
      {Peer.REDISSON, "Redisson"},
      {Peer.HAZELCAST, "Hazelcast"}
    };
    Color[] colors = {PGJCACHE, RELAXED, REDISSON, HAZELCAST};
    for (int i = 0; i < peers.length; i++) {
      String note =
          peers[i][0].equals(Peer.REDISSON) && !r.has(Peer.REDISSON) ? "skipped: no Redis" : null;
      for (String[] p : new String[][] {{"99.0", "p99"}, {"99.9", "p99.9"}}) {
        bars.add(
            new Bar(
                peers[i][1] + ", " + p[1],
                r.percentile(benchmark, peers[i][0], p[0]),
                colors[i],
                note));
      }
    }
    return bars;
  }

  private static List<Bar> propagation(Results r) {
    List<Bar> bars = new ArrayList<>();
    String[][] receivers = {
      {"asynchronous", "pgjcache, async listener"},
      {"synchronous", "pgjcache, sync listener"},
      {"pgjdbc", "NOTIFY → pgjdbc loop"},
      {"event-driven", "NOTIFY → event-driven"}
    };
    Color[] colors = {PGJCACHE, RELAXED, PGJDBC, EVENTS};
    for (int i = 0; i < receivers.length; i++) {
      for (String mode : new String[] {"paced", "back-to-back"}) {
        Double p50 = r.propagation(receivers[i][0], mode, "fromReturnMicros", "p50");
        Double p99 = r.propagation(receivers[i][0], mode, "fromReturnMicros", "p99");
        bars.add(
            new Bar(
                receivers[i][1] + (mode.equals("paced") ? ", paced" : ", b2b"),
                p50,
                colors[i],
                p99 == null ? null : "p99 " + RatioTable.fmt(p99)));
      }
    }
    return bars;
  }

  private static List<Bar> memory(Results r) {
    List<Bar> bars = new ArrayList<>();
    bars.add(
        new Bar(
            "ConcurrentHashMap",
            r.memory("concurrentHashMapOverheadBytesPerEntry"),
            RAW_LIGHT,
            null));
    bars.add(new Bar("Caffeine JCache", r.memory("caffeineOverheadBytesPerEntry"), CAFFEINE, null));
    bars.add(
        new Bar(
            "pgjcache, writing node",
            r.memory("pgjcacheWriterOverheadBytesPerEntry"),
            PGJCACHE,
            null));
    bars.add(
        new Bar(
            "pgjcache, attached node",
            r.memory("pgjcacheAttachedNodeOverheadBytesPerEntry"),
            RELAXED,
            null));
    return bars;
  }

  static BufferedImage draw(List<Panel> panels, Results r) {
    int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
    int width = COLUMNS * PANEL_WIDTH;
    int height = HEADER + rows * PANEL_HEIGHT;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
    g.drawString("pgjcache and its peers, one run", 20, 32);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    g.drawString(
        r.note("cores", "?")
            + " cores, "
            + r.note("maxMemoryGiB", "?")
            + " GiB, "
            + r.note("java", "")
            + "; load average "
            + r.note("loadAverageAtStart", "?")
            + " → "
            + r.note("loadAverageAtEnd", "?")
            + "; PostgreSQL and Redis on the same machine;"
            + " log scales except memory",
        20,
        56);
    for (int i = 0; i < panels.size(); i++) {
      int x = (i % COLUMNS) * PANEL_WIDTH;
      int y = HEADER + (i / COLUMNS) * PANEL_HEIGHT;
      drawPanel(g, panels.get(i), x, y);
    }
    g.dispose();
    return image;
  }

  private static void drawPanel(Graphics2D g, Panel panel, int x, int y) {
    g.setColor(new Color(0xdddddd));
    g.drawRect(x + 8, y + 4, PANEL_WIDTH - 16, PANEL_HEIGHT - 10);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(panel.title(), x + 18, y + 24);
    double max = 0;
    double min = Double.MAX_VALUE;
    for (Bar bar : panel.bars()) {
      if (bar.value() != null && bar.value() > 0) {
        max = Math.max(max, bar.value());
        min = Math.min(min, bar.value());
      }
    }
    int barArea = PANEL_WIDTH - LABEL_WIDTH - 175;
    double logMin = max == 0 ? 0 : Math.floor(Math.log10(min));
    double logMax = max == 0 ? 1 : Math.ceil(Math.log10(max) + 1e-9);
    if (logMax <= logMin) {
      logMax = logMin + 1;
    }
    int count = panel.bars().size();
    int slot = Math.min(28, (PANEL_HEIGHT - 50) / Math.max(1, count));
    int top = y + 36;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics metrics = g.getFontMetrics();
    for (int i = 0; i < count; i++) {
      Bar bar = panel.bars().get(i);
      int by = top + i * slot;
      g.setColor(Color.DARK_GRAY);
      String label = bar.label();
      g.drawString(label, x + LABEL_WIDTH - metrics.stringWidth(label), by + slot / 2 + 4);
      int bx = x + LABEL_WIDTH + 8;
      if (bar.value() == null) {
        g.drawString(bar.note() == null ? "not measured" : bar.note(), bx, by + slot / 2 + 4);
        continue;
      }
      double fraction;
      if (bar.value() <= 0) {
        fraction = 0;
      } else if (panel.log()) {
        fraction = (Math.log10(bar.value()) - logMin + 0.15) / (logMax - logMin + 0.15);
      } else {
        fraction = bar.value() / max;
      }
      int length = Math.max(2, (int) Math.round(fraction * barArea));
      g.setColor(bar.color());
      g.fillRect(bx, by + 3, length, slot - 6);
      g.setColor(Color.BLACK);
      String text =
          RatioTable.fmt(bar.value()) + (bar.note() == null ? "" : " (" + bar.note() + ")");
      g.drawString(text, bx + length + 6, by + slot / 2 + 4);
    }
    g.setColor(new Color(0xbbbbbb));
    g.setStroke(new BasicStroke(1f));
    int axisX = x + LABEL_WIDTH + 8;
    g.drawLine(axisX, top, axisX, top + count * slot);
  }
}
