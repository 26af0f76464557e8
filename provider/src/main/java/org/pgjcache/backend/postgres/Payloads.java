package org.pgjcache.backend.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import org.pgjcache.codec.CorruptDataException;

/**
 * The text of a change notification. The revision is spliced in by the database, between a head and
 * a tail the client prepares, so one statement both writes and announces. Values ride along when
 * the whole payload fits PostgreSQL's 8000-byte limit; otherwise receivers fetch the row.
 *
 * <pre>
 * single change: op|rev|expireAt|origin|cacheLength|keyLength|cache key base64(iv + encrypted value)
 * batch:         B|kind|minRev|maxRev|origin|cacheLength|cache
 * gap:           G|0|0|origin|cacheLength|0|cache        (receivers reconcile that cache)
 * compared:      H|repairedFrom|whole|origin|cacheLength|0|cache
 *                (receivers compare their changes from repairedFrom if above 0; whole is 1 or 0)
 * </pre>
 *
 * <p>Each is followed by {@code |sentAt|hmac} (see {@link NoticeSeal}), which {@link #parse}
 * expects to have been checked and removed.
 */
final class Payloads {

  /**
   * PostgreSQL refuses payloads of 8000 bytes or more; keep a margin for the revision digits and
   * the seal.
   */
  static final int LIMIT = 7900 - NoticeSeal.OVERHEAD;

  private Payloads() {}

  /** Head and tail around the revision of a single-key change. */
  static String[] single(
      NoticeSeal seal,
      char op,
      String cache,
      String key,
      long expireAt,
      String origin,
      byte[] value) {
    String head = op + "|";
    String prefix =
        "|"
            + expireAt
            + "|"
            + origin
            + "|"
            + cache.length()
            + "|"
            + key.length()
            + "|"
            + cache
            + key;
    int size = utf8(prefix) + 24;
    if (size > LIMIT) {
      return new String[] {"G|", gapTail(cache, origin)};
    }
    if (value != null && size + (value.length + NoticeSeal.IV_BYTES + 2) / 3 * 4 <= LIMIT) {
      return new String[] {head, prefix + Base64.getEncoder().encodeToString(seal.encrypt(value))};
    }
    return new String[] {head, prefix};
  }

  /**
   * A whole gap notice (revision 0) for {@code cache} from {@code origin}, not yet sealed: what a
   * change too large to announce, a fence marker and a LISTEN probe all send.
   */
  static String gap(String cache, String origin) {
    return "G|0" + gapTail(cache, origin);
  }

  /**
   * A notice, not yet sealed, that a heartbeat of {@code origin} compared {@code cache} (see {@code
   * ChangeFeed#announceCompared}): {@code H|repairedFrom|whole|origin|length|0|cache}, where whole
   * is 1 or 0, in the fields a change gives its revision and expiry.
   */
  static String compared(String cache, String origin, long repairedFrom, boolean whole) {
    return "H|" + Math.max(0, repairedFrom) + tail(whole ? 1 : 0, cache, origin);
  }

  private static String gapTail(String cache, String origin) {
    return tail(0, cache, origin);
  }

  private static String tail(int third, String cache, String origin) {
    return "|" + third + "|" + origin + "|" + cache.length() + "|0|" + cache;
  }

  /** Head and tail around {@code min|max} of a batch. */
  static String[] batch(char kind, String cache, String origin) {
    return new String[] {"B|" + kind + "|", "|" + origin + "|" + cache.length() + "|" + cache};
  }

  /**
   * Binds the channel and the seal's padded keys (see {@link Sql#SIGNED}), then a payload's head
   * and tail, to five consecutive parameters.
   */
  static void bind(PreparedStatement ps, int at, String channel, NoticeSeal seal, String[] payload)
      throws SQLException {
    bindSeal(ps, at, channel, seal);
    ps.setString(at + 3, payload[0]);
    ps.setString(at + 4, payload[1]);
  }

  /** Binds the channel and the seal's padded keys to three consecutive parameters. */
  static void bindSeal(PreparedStatement ps, int at, String channel, NoticeSeal seal)
      throws SQLException {
    ps.setString(at, channel);
    ps.setBytes(at + 1, seal.outerPad());
    ps.setBytes(at + 2, seal.innerPad());
  }

  /** A whole single-change payload whose revision is known up front (touch), not yet sealed. */
  static String complete(
      char op, long rev, String cache, String key, long expireAt, String origin) {
    String[] parts = single(null, op, cache, key, expireAt, origin, null);
    return parts[0] + rev + parts[1];
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** One parsed notification. */
  record Notice(
      char op,
      char kind,
      long rev,
      long maxRev,
      long expireAt,
      String origin,
      String cache,
      String key,
      byte[] value) {

    boolean isBatch() {
      return op == 'B';
    }

    boolean isGap() {
      return op == 'G';
    }
  }

  /**
   * Parses an opened payload (see {@link NoticeSeal#open}), decrypting an inline value; anything
   * malformed is a {@link CorruptDataException}.
   */
  static Notice parse(String payload, NoticeSeal seal) {
    try {
      if (payload.startsWith("B|")) {
        int[] cut = cuts(payload, 6);
        char kind = payload.charAt(2);
        long min = Long.parseLong(payload.substring(cut[1] + 1, cut[2]));
        long max = Long.parseLong(payload.substring(cut[2] + 1, cut[3]));
        String origin = payload.substring(cut[3] + 1, cut[4]);
        int cacheLength = Integer.parseInt(payload.substring(cut[4] + 1, cut[5]));
        String cache = payload.substring(cut[5] + 1, cut[5] + 1 + cacheLength);
        return new Notice('B', kind, min, max, 0, origin, cache, null, null);
      }
      int[] cut = cuts(payload, 6);
      char op = payload.charAt(0);
      if (cut[0] != 1 || "PRXTCDGH".indexOf(op) < 0) {
        throw new CorruptDataException(
            "unknown operation in notification payload: " + abbreviate(payload));
      }
      long rev = Long.parseLong(payload.substring(cut[0] + 1, cut[1]));
      long expireAt = Long.parseLong(payload.substring(cut[1] + 1, cut[2]));
      String origin = payload.substring(cut[2] + 1, cut[3]);
      int cacheLength = Integer.parseInt(payload.substring(cut[3] + 1, cut[4]));
      int keyLength = Integer.parseInt(payload.substring(cut[4] + 1, cut[5]));
      int at = cut[5] + 1;
      String cache = payload.substring(at, at + cacheLength);
      String key = payload.substring(at + cacheLength, at + cacheLength + keyLength);
      String rest = payload.substring(at + cacheLength + keyLength);
      byte[] value = rest.isEmpty() ? null : seal.decrypt(Base64.getDecoder().decode(rest));
      return new Notice(op, ' ', rev, rev, expireAt, origin, cache, key, value);
    } catch (RuntimeException e) {
      if (e instanceof CorruptDataException c) {
        throw c;
      }
      throw new CorruptDataException(
          "malformed notification payload (" + e.getMessage() + "): " + abbreviate(payload), e);
    }
  }

  /**
   * Who a payload says sent it and for which cache, read before its seal is checked.
   *
   * @param cache the cache the payload names
   * @param origin the manager the payload names as its sender
   */
  record Claim(String cache, String origin) {}

  /**
   * The cache and sender a payload names, read before its seal is checked, or null when the payload
   * is not shaped like one of ours. Good only for dropping notifications that no subscriber here
   * would act on: whatever it answers, nothing is acted on before {@link NoticeSeal#open} vouches
   * for the payload.
   */
  static Claim claim(String raw) {
    int from = 0;
    int lengthField = raw.startsWith("B|") ? 5 : 4;
    int length = -1;
    String origin = null;
    for (int field = 0; field < 6; field++) {
      int bar = raw.indexOf('|', from);
      if (bar < 0) {
        return null;
      }
      if (field == lengthField - 1) {
        origin = raw.substring(from, bar);
      } else if (field == lengthField) {
        length = digits(raw, from, bar);
      }
      from = bar + 1;
    }
    if (length < 0 || from + length > raw.length()) {
      return null;
    }
    return new Claim(raw.substring(from, from + length), origin);
  }

  /** The non-negative decimal number in {@code [from, to)}, or -1. */
  private static int digits(String s, int from, int to) {
    if (to <= from || to - from > 9) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** Positions of the first {@code count} field separators. */
  private static int[] cuts(String payload, int count) {
    int[] bars = new int[count];
    int from = 0;
    for (int i = 0; i < count; i++) {
      int bar = payload.indexOf('|', from);
      if (bar < 0) {
        throw new CorruptDataException(
            "notification payload has too few fields: " + abbreviate(payload));
      }
      bars[i] = bar;
      from = bar + 1;
    }
    return bars;
  }

  /**
   * A payload fit for a log line: at most 80 characters, quoted, with every control, non-ASCII and
   * quote character escaped, so that what anyone may send on the channel cannot forge log lines.
   */
  static String abbreviate(String payload) {
    boolean cut = payload.length() > 80;
    String shown = cut ? payload.substring(0, 77) : payload;
    StringBuilder out = new StringBuilder(shown.length() + 8).append('\'');
    for (int i = 0; i < shown.length(); i++) {
      char ch = shown.charAt(i);
      if (ch == '\\' || ch == '\'') {
        out.append('\\').append(ch);
      } else if (ch < 0x20 || ch > 0x7e) {
        out.append(String.format("\\u%04x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return out.append(cut ? "...'" : "'").toString();
  }
}
