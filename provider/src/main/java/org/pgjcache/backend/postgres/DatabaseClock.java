package org.pgjcache.backend.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database's clock as seen from this JVM: expiry instants are the database's, so that nodes
 * whose clocks disagree still expire an entry at one instant. Read locally (no round trip) from an
 * offset measured once at the middle of a round trip.
 */
final class DatabaseClock {

  private final AtomicLong offset = new AtomicLong();

  /** Measures the offset between this JVM's clock and the database's. */
  void measure(Jdbc jdbc, Sql sql) {
    offset.set(
        jdbc.run(
            "reading the database clock",
            null,
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql.clock())) {
                long before = System.currentTimeMillis();
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  long after = System.currentTimeMillis();
                  return rs.getLong(1) - (before + after) / 2;
                }
              }
            }));
  }

  /** Epoch milliseconds on the database's clock. */
  long now() {
    return System.currentTimeMillis() + offset.get();
  }
}
