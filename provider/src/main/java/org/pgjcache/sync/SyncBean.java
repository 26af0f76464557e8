package org.pgjcache.sync;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.pgjcache.CacheChecksum;
import org.pgjcache.NodeSync;
import org.pgjcache.SyncMXBean;
import org.pgjcache.store.Replica;

/** Shows a {@link NodeSync} through JMX in open types. */
final class SyncBean implements SyncMXBean {

  private final NodeSync sync;

  SyncBean(NodeSync sync) {
    this.sync = sync;
  }

  private static String text(Instant instant) {
    return instant == null ? "" : instant.toString();
  }

  @Override
  public String getNodeId() {
    return sync.nodeId();
  }

  @Override
  public String getNodeName() {
    return sync.nodeName();
  }

  @Override
  public long getHeartbeats() {
    return sync.heartbeats();
  }

  @Override
  public long getHeartbeatFailures() {
    return sync.heartbeatFailures();
  }

  @Override
  public String getLastHeartbeat() {
    return text(sync.lastHeartbeat());
  }

  @Override
  public boolean isMatched() {
    return sync.matched();
  }

  @Override
  public String getLastRepair() {
    return text(sync.lastRepair());
  }

  @Override
  public long getRepairedEntries() {
    return sync.repairedEntries();
  }

  @Override
  public long getRowsRead() {
    return sync.rowsRead();
  }

  @Override
  public long getCorruptNotificationsSkipped() {
    return sync.corruptNotificationsSkipped();
  }

  @Override
  public long getForgedNotificationsRefused() {
    return sync.forgedNotificationsRefused();
  }

  @Override
  public long getListenReconnects() {
    return sync.listenReconnects();
  }

  @Override
  public boolean isListening() {
    return sync.listenStatus().listening();
  }

  @Override
  public String getListeningSince() {
    long since = sync.listenStatus().sinceMillis();
    return since == 0 ? "" : java.time.Instant.ofEpochMilli(since).toString();
  }

  @Override
  public String getListenEndpoint() {
    return sync.listenStatus().endpoint();
  }

  @Override
  public String getLastListenError() {
    org.pgjcache.ListenStatus status = sync.listenStatus();
    return status.lastError() == null
        ? ""
        : java.time.Instant.ofEpochMilli(status.lastErrorAtMillis()) + " " + status.lastError();
  }

  @Override
  public Map<String, Long> getEntryCounts() {
    Map<String, Long> counts = new TreeMap<>();
    sync.caches().forEach((name, checksum) -> counts.put(name, checksum.count()));
    return counts;
  }

  @Override
  public Map<String, Long> getChecksums() {
    Map<String, Long> sums = new TreeMap<>();
    sync.caches().forEach((name, checksum) -> sums.put(name, checksum.checksum()));
    return sums;
  }

  @Override
  public Map<String, Long> getLocalTierHits() {
    return tiers(Replica.TierStats::hits);
  }

  @Override
  public Map<String, Long> getLocalTierMisses() {
    return tiers(Replica.TierStats::misses);
  }

  @Override
  public Map<String, Long> getLocalTierEvictions() {
    return tiers(Replica.TierStats::evictions);
  }

  @Override
  public Map<String, Long> getLocalTierSizes() {
    return tiers(Replica.TierStats::size);
  }

  @Override
  public Map<String, Long> getLocalTierBounds() {
    return tiers(Replica.TierStats::maxEntries);
  }

  private Map<String, Long> tiers(ToLongFunction<Replica.TierStats> field) {
    Map<String, Long> values = new TreeMap<>();
    sync.localTiers().forEach((name, tier) -> values.put(name, field.applyAsLong(tier)));
    return values;
  }

  @Override
  public long checksum(String cache) {
    CacheChecksum checksum = sync.caches().get(cache);
    return checksum == null ? 0 : checksum.checksum();
  }

  @Override
  public void heartbeatNow() {
    sync.heartbeatNow();
  }
}
