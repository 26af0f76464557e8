package org.pgjcache.backend.postgres.listen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Remembers what a connection delivered, for assertions from the test thread. */
class RecordingHandler implements NotificationHandler {

  record Received(int pid, String channel, String payload) {}

  private final List<Received> received = new ArrayList<>();
  final AtomicInteger closedCalls = new AtomicInteger();
  final AtomicReference<Throwable> closeCause = new AtomicReference<>();
  final AtomicReference<Thread> deliveringThread = new AtomicReference<>();

  @Override
  public void onNotification(int backendPid, String channel, String payload) {
    deliveringThread.set(Thread.currentThread());
    synchronized (received) {
      received.add(new Received(backendPid, channel, payload));
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    closeCause.set(cause);
    closedCalls.incrementAndGet();
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  int count() {
    synchronized (received) {
      return received.size();
    }
  }

  List<String> payloads(String channel) {
    return received().stream()
        .filter(r -> r.channel().equals(channel))
        .map(Received::payload)
        .toList();
  }
}
