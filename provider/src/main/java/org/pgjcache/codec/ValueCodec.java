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
 * <p>Strings, longs, integers, booleans, doubles and byte arrays get compact tags of their own, readable
 * from SQL and cheap to decode; everything else goes through Java serialization and, on the way back,
 * through the {@link SerializationAllowlist}. One instance serves one cache manager's class loader.
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

  public ValueCodec(ClassLoader classLoader, SerializationAllowlist allowlist) {
    this(classLoader, allowlist, DecodeLimits.DEFAULTS);
  }

  public ValueCodec(ClassLoader classLoader, SerializationAllowlist allowlist, DecodeLimits limits) {
    this.classLoader = classLoader;
    this.allowlist = allowlist;
    this.limits = limits;
  }

  public SerializationAllowlist allowlist() {
    return allowlist;
  }

  /** Returns the tagged bytes of a non-null value. */
  public byte[] encode(Object value) {
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
        return deserialize(bytes, 1, len);
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
      throw new NotSerializableValueException("pgjcache stores values and keys in PostgreSQL, so they must be"
          + " serializable: " + value.getClass().getName() + " is not (offending class: "
          + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new CacheException("cannot serialize an instance of " + value.getClass().getName()
          + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  Object deserialize(byte[] bytes) {
    return deserialize(bytes, 0, bytes.length);
  }

  private Object deserialize(byte[] bytes, int offset, int length) {
    if (length > limits.maxBytes()) {
      throw new CorruptDataException("refused to deserialize a stored value of " + length
          + " bytes: longer than pgjcache.serialization.max-bytes (" + limits.maxBytes() + ")");
    }
    BoundedFilter filter = new BoundedFilter(allowlist, limits, length);
    try (FilteredObjectInputStream in = new FilteredObjectInputStream(
        new ByteArrayInputStream(bytes, offset, length), classLoader, filter)) {
      return in.readObject();
    } catch (InvalidClassException e) {
      if (filter.refusal() != null) {
        throw new CorruptDataException("refused to deserialize a stored value of " + length
            + " bytes: " + filter.refusal() + " (limits: pgjcache.serialization.max-*)", e);
      }
      String refused = filter.refusedClass();
      if (refused != null) {
        throw new CacheException("pgjcache refused to deserialize " + refused
            + ": the class is not in the serialization allowlist. Allow it with the setting"
            + " pgjcache.serialization.allow (for example " + suggestion(refused) + ")", e);
      }
      throw new CorruptDataException("cannot deserialize a stored value: " + e, e);
    } catch (ClassNotFoundException e) {
      throw new CacheException("cannot deserialize a stored value: class " + e.getMessage()
          + " is not visible to the cache manager's class loader", e);
    } catch (IOException | RuntimeException e) {
      throw new CorruptDataException("cannot deserialize a stored value: " + e, e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // the failure belongs to this one value (its allocation or recursion failed and is unwound
      // here); the thread that decodes it, often a background one, must go on
      throw new CorruptDataException("cannot deserialize a stored value of " + length + " bytes: "
          + e, e);
    }
  }

  private static String suggestion(String className) {
    int dot = className.lastIndexOf('.');
    return dot > 0 ? className.substring(0, dot) + ".*" : className;
  }

  private static void checkLength(byte[] bytes, int expected) {
    if (bytes.length - 1 != expected) {
      throw new CorruptDataException("value of tag " + bytes[0] + " has " + (bytes.length - 1)
          + " bytes, expected " + expected);
    }
  }
}
