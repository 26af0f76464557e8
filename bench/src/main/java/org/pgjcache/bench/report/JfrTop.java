package org.pgjcache.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes a JFR recording (e.g. one made with the suite's {@code -prof jfr}) as the methods that
 * were on top of the sampled stacks (self time) and those anywhere on them (total time), so that a
 * profile can be read without a GUI. Only threads whose name contains the filter count (default
 * {@code jmh-worker}).
 *
 * <p>Usage: {@code JfrTop recording.jfr [threadFilter] [rows]}.
 */
public final class JfrTop {

  private JfrTop() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    String filter = args.length > 1 ? args[1] : "jmh-worker";
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 25;
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      String thread =
          event.getThread("sampledThread") == null
              ? ""
              : event.getThread("sampledThread").getJavaName();
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || thread == null || !thread.contains(filter)) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = stack.getFrames();
      if (!frames.isEmpty()) {
        self.merge(name(frames.get(0)), 1, Integer::sum);
      }
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String name = name(frame);
        if (seen.add(name)) {
          total.merge(name, 1, Integer::sum);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(samples).append(" samples of threads matching '").append(filter).append("'\n");
    print(out, "self (top frame)", self, samples, rows);
    print(out, "total (anywhere on the stack)", total, samples, rows);
    System.out.print(out);
  }

  private static String name(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
  }

  private static void print(
      StringBuilder out, String title, Map<String, Integer> counts, int samples, int rows) {
    out.append("\n").append(title).append(":\n");
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(rows)
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach(
        (name, count) ->
            out.append(
                String.format("  %5.1f%%  %s%n", 100.0 * count / Math.max(1, samples), name)));
  }
}
