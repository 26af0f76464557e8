package org.pgjcache.codec;

/**
 * Which cache and key a decoded value belongs to, so that a refusal says where the bad bytes are
 * stored: a DBA can find the row, and a log line is not a riddle.
 *
 * @param cache the cache's name, or null if unknown
 * @param key the key's stored text ({@code s:alice}), or null if unknown
 */
public record DecodeContext(String cache, String key) {

  /** Nothing known: messages say only what is wrong with the bytes. */
  public static final DecodeContext NONE = new DecodeContext(null, null);

  /** {@code "cache 'c', key 's:alice': "}, or as much of it as is known. */
  String prefix() {
    StringBuilder sb = new StringBuilder();
    if (cache != null) {
      sb.append("cache '").append(cache).append('\'');
    }
    if (key != null) {
      sb.append(sb.length() > 0 ? ", " : "").append("key ").append(KeyCodec.abbreviate(key));
    }
    return sb.length() > 0 ? sb.append(": ").toString() : "";
  }
}
