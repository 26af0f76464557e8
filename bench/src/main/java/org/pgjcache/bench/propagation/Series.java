package org.pgjcache.bench.propagation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;

/**
 * One propagation series of {@link ManyNodes}: the writer puts updates one after the other (paced
 * or back to back) while every listener on the other nodes records when it heard each; the
 * percentiles pool all (update, listener) pairs, and the worst listener's p99 is given beside them.
 */
final class Series {

  private final Cache<Long, String> cache;
  private final List<HostProcess> hosts;
  private final Long[] keys;

  Series(Cache<Long, String> cache, List<HostProcess> hosts, int keyCount) {
    this.cache = cache;
    this.hosts = hosts;
    this.keys = org.pgjcache.bench.Data.keys(keyCount);
  }

  Map<String, Object> run(int first, int count, boolean paced, long collectMillis)
      throws Exception {
    String[] values = new String[count];
    for (int i = 0; i < count; i++) {
      values[i] = ManyNodes.value(first + i);
    }
    for (HostProcess host : hosts) {
      host.expect(first, count);
    }
    Probe writes = new Probe(count);
    writes.run(first, paced, seq -> cache.put(keys[seq % keys.length], values[seq - first]));
    List<double[]> perListener = new ArrayList<>();
    for (HostProcess host : hosts) {
      for (long[] received : host.collect(collectMillis)) {
        perListener.add(writes.fromReturnMicros(received));
      }
    }
    int heard = 0;
    double worstP99 = 0;
    for (double[] l : perListener) {
      heard += l.length;
      worstP99 = Math.max(worstP99, Probe.percentiles(l).get("p99"));
    }
    double[] pooled = new double[heard];
    int at = 0;
    for (double[] l : perListener) {
      System.arraycopy(l, 0, pooled, at, l.length);
      at += l.length;
    }
    Map<String, Object> summary = writes.summary("pgjcache put", "every other node", paced);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", paced ? "paced" : "back-to-back");
    out.put("updates", count);
    out.put("listeners", perListener.size());
    out.put("received", heard);
    out.put("expected", (long) count * perListener.size());
    out.put("fromReturnMicros", Probe.percentiles(pooled));
    out.put("worstListenerP99Micros", worstP99);
    out.put("writeMicros", summary.get("writeMicros"));
    return out;
  }
}
