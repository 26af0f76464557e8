package org.pgjcache.support;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pgjcache.backend.Backend;
import org.pgjcache.backend.ChangeFeed;
import org.pgjcache.backend.ChangeListener;
import org.pgjcache.backend.EntryStore;
import org.pgjcache.backend.MutationResult;
import org.pgjcache.backend.Mutator;
import org.pgjcache.backend.Row;
import org.pgjcache.backend.Subscription;
import org.pgjcache.backend.Write;
import org.pgjcache.sync.BucketSums;
import org.pgjcache.sync.Coordination;
import org.pgjcache.sync.NodeBeat;
import org.pgjcache.sync.RevisionSums;

/**
 * A {@link Backend}, all three parts in one object, whose every method fails with {@link
 * UnsupportedOperationException}: a unit test overrides the few methods the class under test should
 * call, and any other call fails the test (unless the class under test swallows the exception:
 * check what the fake recorded).
 */
public class StubBackend implements Backend, EntryStore, ChangeFeed, Coordination {

  private static UnsupportedOperationException unexpected(String method) {
    return new UnsupportedOperationException("unexpected call of Backend." + method);
  }

  private final org.pgjcache.backend.ExpiryHints expiryHints =
      new org.pgjcache.backend.ExpiryHints();

  @Override
  public String describe() {
    return "stub";
  }

  @Override
  public EntryStore store() {
    return this;
  }

  @Override
  public ChangeFeed feed() {
    return this;
  }

  public Coordination coordination() {
    return this;
  }

  @Override
  public org.pgjcache.backend.ExpiryHints expiryHints() {
    return expiryHints;
  }

  @Override
  public long now() {
    throw unexpected("now");
  }

  @Override
  public void ensureCache(String cache) {
    throw unexpected("ensureCache");
  }

  @Override
  public Subscription subscribe(String cache, ChangeListener listener) {
    throw unexpected("subscribe");
  }

  @Override
  public Row get(String cache, String key) {
    throw unexpected("get");
  }

  @Override
  public Map<String, Row> getAll(String cache, Collection<String> keys) {
    throw unexpected("getAll");
  }

  @Override
  public void scan(String cache, Consumer<Row> sink) {
    throw unexpected("scan");
  }

  @Override
  public long put(String cache, Write write, String origin) {
    throw unexpected("put");
  }

  @Override
  public long[] putAll(String cache, List<Write> writes, String origin) {
    throw unexpected("putAll");
  }

  @Override
  public long remove(String cache, String key, String origin) {
    throw unexpected("remove");
  }

  @Override
  public long[] removeAll(String cache, List<String> keys, String origin) {
    throw unexpected("removeAll");
  }

  @Override
  public void touch(String cache, String key, long rev, long expireAt, String origin) {
    throw unexpected("touch");
  }

  @Override
  public long clear(String cache, String origin) {
    throw unexpected("clear");
  }

  @Override
  public MutationResult mutate(String cache, String key, String origin, Mutator mutator) {
    throw unexpected("mutate");
  }

  @Override
  public void destroy(String cache, String origin) {
    throw unexpected("destroy");
  }

  @Override
  public void close() {}

  @Override
  public int expireDue(int limit) {
    throw unexpected("expireDue");
  }

  @Override
  public int purgeTombstones(long retentionMillis, int limit) {
    throw unexpected("purgeTombstones");
  }

  @Override
  public Map<String, RevisionSums> revisionSums(Collection<String> caches) {
    throw unexpected("revisionSums");
  }

  @Override
  public Map<String, BucketSums> checksums(Collection<String> caches) {
    throw unexpected("checksums");
  }

  @Override
  public Map<String, Long> revisionsInBuckets(String cache, int[] buckets) {
    throw unexpected("revisionsInBuckets");
  }

  @Override
  public Map<String, Row> rowsOrTombstones(String cache, Collection<String> keys) {
    throw unexpected("rowsOrTombstones");
  }

  @Override
  public void recordNode(NodeBeat beat, Duration staleAfter) {
    throw unexpected("recordNode");
  }

  @Override
  public void removeNode(String nodeId) {
    throw unexpected("removeNode");
  }
}
