package org.pgjcache.codec;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Reads the grammar of a Java serialization stream before {@link java.io.ObjectInputStream} does,
 * and refuses it if decoding would cost more than the {@link DecodeLimits} allow.
 *
 * <p>Nothing is instantiated here and no class is loaded: the walk only follows type codes, handles
 * and declared lengths, so it costs time linear in the input. It measures what the real decoding
 * would pay for: nesting depth, references, declared array lengths and their bytes, and the
 * <em>tree size</em> of each object, i.e. how many objects {@code hashCode} or {@code equals} of a
 * collection visits when shared objects are visited once per path. A set of sets that share their
 * elements has a tree size that doubles with each level although its stream grows by a few bytes;
 * that is the "hash bomb", and depth limits alone do not stop it (three sets per level, twenty
 * levels deep are 3^20 visits). Hashing during deserialization visits each object at most once per
 * ancestor, so its cost stays below depth times tree size.
 *
 * <p>The walk also records where in the stream {@code ObjectInputStream} will consult its filter
 * for a back-reference, a new class descriptor or the replacement of a finished object; {@link
 * StreamFilter} refuses any such call elsewhere. A class whose {@code readObject} reads its stream
 * differently than its descriptor declares therefore cannot make the real decoding see objects this
 * walk did not count.
 */
final class StreamShape {

  private static final byte TC_NULL = 0x70;
  private static final byte TC_REFERENCE = 0x71;
  private static final byte TC_CLASSDESC = 0x72;
  private static final byte TC_OBJECT = 0x73;
  private static final byte TC_STRING = 0x74;
  private static final byte TC_ARRAY = 0x75;
  private static final byte TC_CLASS = 0x76;
  private static final byte TC_BLOCKDATA = 0x77;
  private static final byte TC_ENDBLOCKDATA = 0x78;
  private static final byte TC_BLOCKDATALONG = 0x7A;
  private static final byte TC_LONGSTRING = 0x7C;
  private static final byte TC_PROXYCLASSDESC = 0x7D;
  private static final byte TC_ENUM = 0x7E;
  private static final int SC_WRITE_METHOD = 0x01;
  private static final int SC_SERIALIZABLE = 0x02;
  private static final int SC_EXTERNALIZABLE = 0x04;
  private static final int SC_BLOCK_DATA = 0x08;
  private static final int BASE_HANDLE = 0x7e0000;

  private final byte[] in;
  private final int start;
  private final int end;
  private final DecodeLimits limits;
  private final long arrayBudget;
  private final List<Handle> handles = new ArrayList<>();
  private final BitSet backReferences = new BitSet();
  private final BitSet newDescriptors = new BitSet();
  private final BitSet finishedObjects = new BitSet();
  private int pos;
  private long references;
  private long arrayBytes;
  private long annotationTrees;

  /** The object whose own field is being read right now, which that field may refer back to. */
  private Handle fieldOwner;

  private StreamShape(byte[] in, int offset, int length, DecodeLimits limits) {
    this.in = in;
    this.start = offset;
    this.end = offset + length;
    this.pos = offset;
    this.limits = limits;
    this.arrayBudget = limits.arrayBudget(length);
  }

  /**
   * Walks the stream in {@code in[offset, offset + length)}.
   *
   * @throws DecodeLimitException if decoding it would exceed a limit
   * @throws CorruptDataException if it is not one well-formed object the walk can follow
   */
  static StreamShape check(byte[] in, int offset, int length, DecodeLimits limits) {
    if (length > limits.maxBytes()) {
      throw DecodeLimitException.of(
          length
              + " bytes, more than "
              + limits.maxBytes()
              + " (pgjcache.serialization.max-bytes)");
    }
    StreamShape shape = new StreamShape(in, offset, length, limits);
    shape.walk();
    return shape;
  }

  /** Whether the filter may be consulted for a back-reference or a class that failed to resolve. */
  boolean expectsUnnamed(long streamBytes) {
    return at(backReferences, streamBytes) || at(newDescriptors, streamBytes);
  }

  /** Whether the filter may be consulted for a named class outside an array. */
  boolean expectsNamed(long streamBytes) {
    return at(newDescriptors, streamBytes) || at(finishedObjects, streamBytes);
  }

  private static boolean at(BitSet positions, long streamBytes) {
    return streamBytes >= 0 && streamBytes <= Integer.MAX_VALUE && positions.get((int) streamBytes);
  }

  private void walk() {
    if (u16() != 0xACED || u16() != 5) {
      throw corrupt("not a Java serialization stream");
    }
    long tree = content(1);
    if (pos != end) {
      throw corrupt((end - pos) + " bytes after the object");
    }
    checkTree(tree + annotationTrees);
  }

  /** Reads one object of any kind; returns its tree size (0 for null). */
  private long content(int depth) {
    checkDepth(depth);
    countReference();
    Handle owner = fieldOwner;
    fieldOwner = null;
    byte tc = peek();
    switch (tc) {
      case TC_NULL:
        pos++;
        return 0;
      case TC_REFERENCE:
        return backReference(owner).treeSize();
      case TC_STRING:
      case TC_LONGSTRING:
        string();
        return 1;
      case TC_OBJECT:
        return object(depth);
      case TC_ARRAY:
        return array(depth);
      case TC_ENUM:
        pos++;
        requireDescriptor(descriptor(depth));
        handles.add(Handle.leaf());
        String name = typeString(depth);
        if (name == null) {
          throw corrupt("enum constant without a name");
        }
        return 1;
      case TC_CLASS:
        pos++;
        requireDescriptor(descriptor(depth));
        handles.add(Handle.leaf());
        return 1;
      case TC_CLASSDESC:
      case TC_PROXYCLASSDESC:
        descriptor(depth);
        return 1;
      default:
        throw corrupt(String.format("unexpected type code 0x%02x", tc));
    }
  }

  private long object(int depth) {
    pos++;
    Handle desc = requireDescriptor(descriptor(depth));
    Handle self = Handle.open(desc.name);
    handles.add(self);
    List<Handle> chain = new ArrayList<>();
    for (Handle d = desc; d != null; d = d.superDescriptor) {
      chain.add(0, d);
    }
    self.tree = 1;
    for (Handle d : chain) {
      if ((d.flags & SC_EXTERNALIZABLE) != 0) {
        if ((d.flags & SC_BLOCK_DATA) == 0) {
          throw corrupt(d.name + " is written in the old externalizable format");
        }
        annotation(depth + 1, self);
      } else {
        fields(d, depth + 1, self);
        if ((d.flags & SC_WRITE_METHOD) != 0) {
          annotation(depth + 1, self);
        }
      }
    }
    self.open = false;
    finishedObjects.set(pos - start);
    return self.tree;
  }

  private long array(int depth) {
    pos++;
    Handle desc = requireDescriptor(descriptor(depth));
    if (desc.name.length() < 2 || desc.name.charAt(0) != '[') {
      throw corrupt("array of non-array class " + desc.name);
    }
    Handle self = Handle.open(desc.name);
    handles.add(self);
    int length = s32();
    if (length < 0) {
      throw corrupt("array of negative length");
    }
    char type = desc.name.charAt(1);
    countArray(length, type == '[' || type == 'L' ? 8 : primitiveSize(type));
    self.tree = 1;
    if (type == '[' || type == 'L') {
      if (length > end - pos) {
        throw corrupt("array of " + length + " elements in " + (end - pos) + " bytes");
      }
      for (int i = 0; i < length; i++) {
        self.add(content(depth + 1), this);
      }
    } else {
      skip((long) length * primitiveSize(type));
    }
    self.open = false;
    return self.tree;
  }

  private void fields(Handle desc, int depth, Handle owner) {
    skip(desc.primitiveBytes);
    for (int i = 0; i < desc.objectFields; i++) {
      fieldOwner = owner;
      owner.add(content(depth), this);
    }
  }

  /** Block data and objects up to TC_ENDBLOCKDATA, as written by writeObject or writeExternal. */
  private void annotation(int depth, Handle owner) {
    while (true) {
      byte tc = peek();
      if (tc == TC_ENDBLOCKDATA) {
        pos++;
        return;
      } else if (tc == TC_BLOCKDATA) {
        pos++;
        skip(u8());
      } else if (tc == TC_BLOCKDATALONG) {
        pos++;
        int length = s32();
        if (length < 0) {
          throw corrupt("block data of negative length");
        }
        skip(length);
      } else {
        long tree = content(depth);
        if (owner != null) {
          owner.add(tree, this);
        } else {
          annotationTrees += tree;
          checkTree(annotationTrees);
        }
      }
    }
  }

  /** A class descriptor, a reference to one, or null. */
  private Handle descriptor(int depth) {
    checkDepth(depth);
    byte tc = peek();
    if (tc == TC_NULL) {
      pos++;
      return null;
    } else if (tc == TC_REFERENCE) {
      Handle h = backReference(null);
      if (!h.descriptor) {
        throw corrupt("class descriptor expected");
      }
      return h;
    } else if (tc == TC_PROXYCLASSDESC) {
      throw corrupt("a dynamic proxy class, which is never deserialized");
    } else if (tc != TC_CLASSDESC) {
      throw corrupt(String.format("class descriptor expected, found type code 0x%02x", tc));
    }
    pos++;
    countReference();
    Handle desc = Handle.descriptor(utf());
    skip(8);
    handles.add(desc);
    desc.flags = u8();
    int count = u16();
    boolean objects = false;
    for (int i = 0; i < count; i++) {
      char type = (char) u8();
      utf();
      if (type == 'L' || type == '[') {
        typeString(depth);
        objects = true;
        desc.objectFields++;
      } else if (objects) {
        throw corrupt("primitive field after object fields in " + desc.name);
      } else {
        desc.primitiveBytes += primitiveSize(type);
      }
    }
    newDescriptors.set(pos - start);
    annotation(depth + 1, null);
    desc.superDescriptor = descriptor(depth + 1);
    return desc;
  }

  /**
   * The class name of an object field, or an enum constant's name: a string, a reference or null.
   */
  private String typeString(int depth) {
    byte tc = peek();
    if (tc == TC_NULL) {
      pos++;
      return null;
    } else if (tc == TC_REFERENCE) {
      backReference(null);
      return "";
    } else if (tc == TC_STRING || tc == TC_LONGSTRING) {
      return string();
    }
    throw corrupt(String.format("string expected, found type code 0x%02x", tc));
  }

  private String string() {
    byte tc = in[pos++];
    long length = tc == TC_STRING ? u16() : s64();
    if (length < 0 || length > end - pos) {
      throw corrupt("string longer than the stream");
    }
    handles.add(Handle.leaf());
    skip(length);
    return "";
  }

  /**
   * A reference to an earlier handle. A reference to a JDK collection that is still being read is
   * refused unless it is a field of that very object (a synchronized wrapper is its own lock): a
   * collection that holds itself hashes for ever, and while it is read its hashing sees only part
   * of it, which the tree sizes cannot bound.
   */
  private Handle backReference(Handle owner) {
    pos++;
    int index = s32() - BASE_HANDLE;
    if (index < 0 || index >= handles.size()) {
      throw corrupt("reference to an unknown handle");
    }
    backReferences.set(pos - start);
    Handle h = handles.get(index);
    if (h.open && h != owner && h.name.startsWith("java.util.")) {
      throw DecodeLimitException.of("a " + h.name + " that contains itself");
    }
    return h;
  }

  private static Handle requireDescriptor(Handle desc) {
    if (desc == null) {
      throw new CorruptDataException("object or array without a class descriptor");
    }
    return desc;
  }

  private void countReference() {
    if (++references > limits.maxReferences()) {
      throw DecodeLimitException.of(
          "more than "
              + limits.maxReferences()
              + " objects and references (pgjcache.serialization.max-references)");
    }
  }

  private void countArray(long length, int elementBytes) {
    if (length > limits.maxArrayLength()) {
      throw DecodeLimitException.of(
          "an array of "
              + length
              + " elements, more than "
              + limits.maxArrayLength()
              + " (pgjcache.serialization.max-array-length)");
    }
    arrayBytes += length * elementBytes;
    if (arrayBytes > arrayBudget) {
      throw DecodeLimitException.of(
          "arrays of "
              + arrayBytes
              + " bytes from a stream of "
              + (end - start)
              + " bytes (at most "
              + DecodeLimits.ARRAY_BYTES_PER_INPUT_BYTE
              + " per byte plus "
              + DecodeLimits.ARRAY_BYTES_FLOOR
              + ")");
    }
  }

  private void checkDepth(int depth) {
    if (depth > limits.maxDepth()) {
      throw DecodeLimitException.of(
          "objects nested deeper than "
              + limits.maxDepth()
              + " (pgjcache.serialization.max-depth)");
    }
  }

  void checkTree(long tree) {
    if (tree > limits.maxTreeSize()) {
      throw DecodeLimitException.of(
          "shared objects that hashing would visit more than "
              + limits.maxTreeSize()
              + " times (pgjcache.serialization.max-tree-size)");
    }
  }

  private static int primitiveSize(char type) {
    switch (type) {
      case 'B':
      case 'Z':
        return 1;
      case 'C':
      case 'S':
        return 2;
      case 'I':
      case 'F':
        return 4;
      case 'J':
      case 'D':
        return 8;
      default:
        throw new CorruptDataException("unknown field type '" + type + "'");
    }
  }

  private byte peek() {
    need(1);
    return in[pos];
  }

  private int u8() {
    need(1);
    return in[pos++] & 0xff;
  }

  private int u16() {
    need(2);
    int v = ((in[pos] & 0xff) << 8) | (in[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  private int s32() {
    need(4);
    int v =
        ((in[pos] & 0xff) << 24)
            | ((in[pos + 1] & 0xff) << 16)
            | ((in[pos + 2] & 0xff) << 8)
            | (in[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  private long s64() {
    long high = s32() & 0xffffffffL;
    return (high << 32) | (s32() & 0xffffffffL);
  }

  private String utf() {
    int length = u16();
    need(length);
    pos += length;
    return new String(in, pos - length, length, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private void skip(long length) {
    if (length < 0 || length > end - pos) {
      throw corrupt("the stream ends early");
    }
    pos += (int) length;
  }

  private void need(int length) {
    if (length > end - pos) {
      throw corrupt("the stream ends early");
    }
  }

  private CorruptDataException corrupt(String what) {
    return new CorruptDataException(
        "malformed serialization stream at byte " + (pos - start) + ": " + what);
  }

  /** What a handle stands for; only objects and arrays have a tree of their own. */
  private static final class Handle {
    final String name;
    final boolean descriptor;
    boolean open;
    long tree = 1;
    int flags;
    int primitiveBytes;
    int objectFields;
    Handle superDescriptor;

    private Handle(String name, boolean descriptor, boolean open) {
      this.name = name;
      this.descriptor = descriptor;
      this.open = open;
    }

    static Handle leaf() {
      return new Handle("", false, false);
    }

    static Handle descriptor(String name) {
      return new Handle(name, true, false);
    }

    static Handle open(String name) {
      return new Handle(name, false, true);
    }

    long treeSize() {
      return descriptor ? 1 : tree;
    }

    void add(long child, StreamShape shape) {
      tree += child;
      shape.checkTree(tree);
    }
  }
}
