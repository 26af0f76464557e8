package org.pgjcache.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.cache.CacheException;

/**
 * Turns values into tagged bytes and back.
 *
 * <p>Strings, longs, integers, booleans, doubles and byte arrays get compact tags of their own,
 * readable from SQL and cheap to decode; everything else goes through Java serialization and, on
 * the way back, through the {@link SerializationAllowlist} and the {@link DecodeLimits}: the bytes
 * come from whoever can write the table, so decoding them must neither run their code nor let them
 * choose its cost. One instance serves one cache manager's class loader.
 */
public final class ValueCodec {

  static final byte JAVA = 1;
  static final byte STRING = 2;
  static final byte LONG = 3;
  static final byte INT = 4;
  static final byte BYTES = 5;
  static final byte BOOLEAN = 6;
  static final byte DOUBLE = 7;

  private final ClassLoader classLoader;
  private final SerializationAllowlist allowlist;
  private final DecodeLimits limits;

  /**
   * Non-null for a cache declared {@code value-format: json}: how its values are written and read.
   */
  private final JsonValues json;

  private final ValueCodec plain;

  public ValueCodec(ClassLoader classLoader, SerializationAllowlist allowlist) {
    this(classLoader, allowlist, DecodeLimits.DEFAULTS);
  }

  public ValueCodec(
      ClassLoader classLoader, SerializationAllowlist allowlist, DecodeLimits limits) {
    this.classLoader = classLoader;
    this.allowlist = allowlist;
    this.limits = limits;
    this.json = null;
    this.plain = this;
  }

  private ValueCodec(ValueCodec plain, JsonValues json) {
    this.classLoader = plain.classLoader;
    this.allowlist = plain.allowlist;
    this.limits = plain.limits;
    this.json = json;
    this.plain = plain;
  }

  /**
   * The codec of a cache whose values are JSON ({@code value-format: json}): values are written as
   * JSON through Jackson and read back as {@code valueType}; keys are still {@link #plain()}'s.
   */
  public ValueCodec forJson(Class<?> valueType) {
    return new ValueCodec(plain, new JsonValues(valueType));
  }

  /** The codec without a cache's JSON format, for keys and copies of keys. */
  public ValueCodec plain() {
    return plain;
  }

  public DecodeLimits limits() {
    return limits;
  }

  public SerializationAllowlist allowlist() {
    return allowlist;
  }

  /** Returns the tagged bytes of a non-null value. */
  public byte[] encode(Object value) {
    if (json != null) {
      return json.encode(value);
    }
    if (value instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[utf8.length + 1];
      out[0] = STRING;
      System.arraycopy(utf8, 0, out, 1, utf8.length);
      return out;
    } else if (value instanceof Long l) {
      return ByteBuffer.allocate(9).put(LONG).putLong(l).array();
    } else if (value instanceof Integer i) {
      return ByteBuffer.allocate(5).put(INT).putInt(i).array();
    } else if (value instanceof Boolean b) {
      return new byte[] {BOOLEAN, (byte) (b ? 1 : 0)};
    } else if (value instanceof Double d) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble(d).array();
    } else if (value instanceof byte[] bytes) {
      byte[] out = new byte[bytes.length + 1];
      out[0] = BYTES;
      System.arraycopy(bytes, 0, out, 1, bytes.length);
      return out;
    }
    byte[] serialized = serialize(value);
    byte[] out = new byte[serialized.length + 1];
    out[0] = JAVA;
    System.arraycopy(serialized, 0, out, 1, serialized.length);
    return out;
  }

  /** Returns the value whose tagged bytes are {@code bytes}; a fresh object on every call. */
  public Object decode(byte[] bytes) {
    return decode(bytes, DecodeContext.NONE);
  }

  /**
   * Returns the value whose tagged bytes are {@code bytes}, a fresh object on every call; a refusal
   * names the cache and key of {@code context}.
   *
   * @throws CorruptDataException if the bytes are malformed or exceed the {@link DecodeLimits}
   *     ({@link DecodeLimitException})
   * @throws CacheException if they name a class outside the allowlist or not visible to the class
   *     loader
   */
  public Object decode(byte[] bytes, DecodeContext context) {
    try {
      return decodeTagged(bytes, context);
    } catch (CorruptDataException e) {
      throw withContext(e, context);
    } catch (OutOfMemoryError e) {
      // a string or byte array as large as the stored value did not fit: this value's allocation
      throw withContext(new CorruptDataException("cannot decode a stored value: " + e, e), context);
    }
  }

  private Object decodeTagged(byte[] bytes, DecodeContext context) {
    if (bytes == null || bytes.length == 0) {
      throw new CorruptDataException("empty value");
    }
    int len = bytes.length - 1;
    switch (bytes[0]) {
      case STRING:
        return new String(bytes, 1, len, StandardCharsets.UTF_8);
      case LONG:
        checkLength(bytes, 8);
        return ByteBuffer.wrap(bytes, 1, 8).getLong();
      case INT:
        checkLength(bytes, 4);
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
      case BOOLEAN:
        checkLength(bytes, 1);
        return bytes[1] != 0;
      case DOUBLE:
        checkLength(bytes, 8);
        return ByteBuffer.wrap(bytes, 1, 8).getDouble();
      case BYTES:
        return Arrays.copyOfRange(bytes, 1, bytes.length);
      case JAVA:
        return deserialize(bytes, 1, len, context);
      case JsonValues.TAG:
        return json != null ? json.decode(bytes) : JsonValues.decodeUntyped(bytes);
      default:
        throw new CorruptDataException("unknown value tag " + bytes[0]);
    }
  }

  /** Java-serializes {@code value}; a clear error names the class that cannot be serialized. */
  public byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new NotSerializableValueException(
          "pgjcache stores values and keys in PostgreSQL, so they must be"
              + " serializable: "
              + value.getClass().getName()
              + " is not (offending class: "
              + e.getMessage()
              + ")",
          e);
    } catch (IOException e) {
      throw new CacheException(
          "cannot serialize an instance of " + value.getClass().getName() + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  /** Java-deserializes {@code bytes} (untagged, as serialized keys are stored). */
  Object deserialize(byte[] bytes, DecodeContext context) {
    try {
      return deserialize(bytes, 0, bytes.length, context);
    } catch (CorruptDataException e) {
      throw withContext(e, context);
    }
  }

  /**
   * Java-deserializes {@code bytes[offset, offset + length)} within the limits: the walk of {@link
   * StreamShape} refuses what would cost too much before anything is instantiated, and the filter
   * holds the real decoding to what the walk saw.
   *
   * <p>An {@link Error} thrown while decoding is caught and becomes {@link CorruptDataException}:
   * the limits make an {@link OutOfMemoryError} or {@link StackOverflowError} here unlikely, but
   * one that happens anyway was caused by this value alone. The allocation that failed was this
   * value's, and its partial object graph is garbage the moment the error unwinds, so the JVM is as
   * healthy as before the call; letting the error escape would instead kill the listener or reaper
   * thread that happened to decode it, and with it the node's synchronisation.
   */
  private Object deserialize(byte[] bytes, int offset, int length, DecodeContext context) {
    StreamFilter filter;
    try {
      filter =
          new StreamFilter(
              allowlist, limits, StreamShape.check(bytes, offset, length, limits), length);
    } catch (StackOverflowError | OutOfMemoryError e) {
      throw new CorruptDataException("cannot deserialize a stored value: " + e, e);
    }
    try (FilteredObjectInputStream in =
        new FilteredObjectInputStream(
            new ByteArrayInputStream(bytes, offset, length), classLoader, filter)) {
      return in.readObject();
    } catch (InvalidClassException e) {
      if (filter.exceeded() != null) {
        throw DecodeLimitException.of(filter.exceeded());
      }
      String refused = filter.refusedClass();
      if (refused != null) {
        throw new CacheException(
            context.prefix()
                + "pgjcache refused to deserialize "
                + refused
                + ": the class is not in the serialization allowlist. Allow it with the setting"
                + " pgjcache.serialization.allow (for example "
                + suggestion(refused)
                + ")",
            e);
      }
      throw new CorruptDataException("cannot deserialize a stored value: " + e, e);
    } catch (ClassNotFoundException e) {
      throw new CacheException(
          context.prefix()
              + "cannot deserialize a stored value: class "
              + e.getMessage()
              + " is not visible to the cache manager's class loader",
          e);
    } catch (IOException | RuntimeException e) {
      throw new CorruptDataException("cannot deserialize a stored value: " + e, e);
    } catch (Error e) {
      throw new CorruptDataException("cannot deserialize a stored value: " + e, e);
    }
  }

  /** {@code e} with the cache and key in its message, of the same class so callers can tell. */
  private static CorruptDataException withContext(CorruptDataException e, DecodeContext context) {
    String prefix = context.prefix();
    if (prefix.isEmpty()) {
      return e;
    }
    return e instanceof DecodeLimitException
        ? new DecodeLimitException(prefix + e.getMessage(), e)
        : new CorruptDataException(prefix + e.getMessage(), e);
  }

  private static String suggestion(String className) {
    int dot = className.lastIndexOf('.');
    return dot > 0 ? className.substring(0, dot) + ".*" : className;
  }

  private static void checkLength(byte[] bytes, int expected) {
    if (bytes.length - 1 != expected) {
      throw new CorruptDataException(
          "value of tag "
              + bytes[0]
              + " has "
              + (bytes.length - 1)
              + " bytes, expected "
              + expected);
    }
  }
}
