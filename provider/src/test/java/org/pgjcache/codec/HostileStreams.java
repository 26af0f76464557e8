package org.pgjcache.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Serialized forms an attacker with write access to the table could store: built from real JDK
 * objects and then patched, so that each one uses only classes of the default allowlist.
 */
final class HostileStreams {

  private HostileStreams() {}

  /** Tagged value bytes (as stored in the table) of a Java-serialized stream. */
  static byte[] tagged(byte[] stream) {
    byte[] out = new byte[stream.length + 1];
    out[0] = ValueCodec.JAVA;
    System.arraycopy(stream, 0, out, 1, stream.length);
    return out;
  }

  static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * An empty ArrayList whose serialized size says {@code size}: readObject allocates that many
   * slots.
   */
  static byte[] arrayListOfDeclaredSize(int size) {
    byte[] stream = serialize(new ArrayList<>());
    // the only field is "size"; its value follows the end of the class descriptor (TC_ENDBLOCKDATA,
    // TC_NULL for the superclass)
    int at = indexOf(stream, new byte[] {0x78, 0x70}) + 2;
    putInt(stream, at, size);
    return stream;
  }

  /**
   * An empty HashMap whose serialized entry count says {@code mappings} at the lowest load factor.
   */
  static byte[] hashMapOfDeclaredSize(int mappings) {
    byte[] stream = serialize(new HashMap<>());
    // fields loadFactor (float) and threshold (int), then block data: buckets, mappings
    int fields = indexOf(stream, new byte[] {0x78, 0x70}) + 2;
    putInt(stream, fields, Float.floatToIntBits(0.25f));
    int block = indexOf(stream, new byte[] {0x77, 0x08}) + 2;
    putInt(stream, block + 4, mappings);
    return stream;
  }

  /**
   * Lists nested {@code levels} deep, each declaring {@code size} elements but holding only the
   * next list: every level allocates its slots before the stream runs out, each below any per-array
   * limit.
   */
  static byte[] nestedListsOfDeclaredSize(int levels, int size) {
    ArrayList<Object> root = new ArrayList<>();
    ArrayList<Object> current = root;
    for (int i = 1; i < levels; i++) {
      ArrayList<Object> next = new ArrayList<>();
      current.add(next);
      current = next;
    }
    byte[] stream = serialize(root);
    // the first list's size follows its class descriptor, the others' a back-reference to it
    putInt(stream, indexOf(stream, new byte[] {0x78, 0x70}) + 2, size);
    byte[] again = {0x73, 0x71, 0x00, 0x7e, 0x00, 0x00};
    for (int at = indexOf(stream, again); at >= 0; at = indexOf(stream, again, at + 1)) {
      putInt(stream, at + again.length, size);
    }
    return stream;
  }

  /**
   * The classic "SerialDOS" hash bomb: {@code levels} levels of two sets each, both of which hold
   * the next level's two sets. Hashing the root visits 2^levels sets.
   */
  static byte[] hashBomb(int levels) {
    return serialize(setBomb(levels, 2));
  }

  /**
   * A wider and shallower bomb: {@code width} sets per level, each holding all of the next level's
   * sets (which differ by a marker). Hashing the root visits width^levels sets.
   */
  static Set<Object> setBomb(int levels, int width) {
    Set<Object> root = new HashSet<>();
    List<Set<Object>> level = new ArrayList<>(List.of(root));
    for (int depth = 1; depth < width; depth++) {
      level.add(new HashSet<>());
    }
    for (int i = 0; i < levels; i++) {
      List<Set<Object>> next = new ArrayList<>();
      for (int j = 0; j < width; j++) {
        Set<Object> set = new HashSet<>();
        set.add(j);
        next.add(set);
      }
      for (Set<Object> set : level) {
        set.addAll(next);
      }
      level = next;
    }
    return root;
  }

  /** A list that holds {@code levels} nested lists, each holding the next one twice. */
  static List<Object> listBomb(int levels) {
    List<Object> root = new ArrayList<>();
    List<Object> current = root;
    for (int i = 0; i < levels; i++) {
      List<Object> next = new ArrayList<>();
      current.add(next);
      current.add(next);
      current = next;
    }
    return root;
  }

  /**
   * {@code levels} arrays, each holding the next, the innermost a null; put together by hand
   * because writing such an array overflows the writer's stack too.
   */
  static byte[] nestedArrays(int levels) {
    byte[] two = serialize(new Object[] {new Object[] {null}});
    int level = 10; // TC_ARRAY, TC_REFERENCE to the class descriptor, length 1
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(two, 0, two.length - level - 1);
    for (int i = 1; i < levels; i++) {
      out.write(two, two.length - level - 1, level);
    }
    out.write(0x70);
    return out.toByteArray();
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    return indexOf(haystack, needle, 0);
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static void putInt(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 24);
    bytes[at + 1] = (byte) (value >>> 16);
    bytes[at + 2] = (byte) (value >>> 8);
    bytes[at + 3] = (byte) value;
  }
}
