package org.pgjcache.bench.propagation;

import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * Tells the current probe which update an event on node B was, by the sequence number in its value.
 */
final class ProbeListener
    implements CacheEntryCreatedListener<Long, String>, CacheEntryUpdatedListener<Long, String> {

  volatile Probe target;

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends Long, ? extends String>> events) {
    heard(events);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends Long, ? extends String>> events) {
    heard(events);
  }

  private void heard(Iterable<CacheEntryEvent<? extends Long, ? extends String>> events) {
    Probe probe = target;
    if (probe == null) {
      return;
    }
    for (CacheEntryEvent<? extends Long, ? extends String> event : events) {
      probe.heard(Probe.sequenceOf(event.getValue()));
    }
  }

  /** Hands out the one listener instance (the benchmark never serializes it). */
  static final class Factory implements javax.cache.configuration.Factory<ProbeListener> {
    private static final long serialVersionUID = 1L;
    private final transient ProbeListener listener;

    Factory(ProbeListener listener) {
      this.listener = listener;
    }

    @Override
    public ProbeListener create() {
      return listener;
    }
  }
}
