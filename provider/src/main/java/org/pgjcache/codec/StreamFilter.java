package org.pgjcache.codec;

import java.io.ObjectInputFilter;

/**
 * The filter of one decoding: the allowlist for classes, the {@link DecodeLimits} as the real
 * {@link java.io.ObjectInputStream} sees them, and agreement with the {@link StreamShape} walk that
 * went before.
 *
 * <p>Besides arrays written in the stream, collections such as {@code HashMap} and {@code
 * ArrayList} ask the filter before they allocate a table of a size read from the stream; those are
 * counted here against the same per-array limit and the same budget for all arrays of the stream,
 * so a few bytes cannot reserve gigabytes. The first refusal is remembered, because {@code
 * ObjectInputStream} reports every refusal with the same {@link java.io.InvalidClassException}.
 */
final class StreamFilter implements ObjectInputFilter {

  private final SerializationAllowlist allowlist;
  private final DecodeLimits limits;
  private final StreamShape shape;
  private final long arrayBudget;
  private final long deadline;
  private long arrayBytes;
  private String refusedClass;
  private String exceeded;

  StreamFilter(
      SerializationAllowlist allowlist, DecodeLimits limits, StreamShape shape, int inputLength) {
    this.allowlist = allowlist;
    this.limits = limits;
    this.shape = shape;
    this.arrayBudget = limits.arrayBudget(inputLength);
    this.deadline = System.nanoTime() + limits.maxTime().toNanos();
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (System.nanoTime() - deadline > 0) {
      return exceed(
          "it took longer than "
              + limits.maxTime().toMillis()
              + " ms (pgjcache.serialization.max-time)");
    }
    if (info.depth() > limits.maxDepth()) {
      return exceed(
          "objects nested deeper than "
              + limits.maxDepth()
              + " (pgjcache.serialization.max-depth)");
    }
    if (info.references() > limits.maxReferences()) {
      return exceed(
          "more than "
              + limits.maxReferences()
              + " objects and references (pgjcache.serialization.max-references)");
    }
    if (info.streamBytes() > limits.maxBytes()) {
      return exceed("more than " + limits.maxBytes() + " bytes (pgjcache.serialization.max-bytes)");
    }
    Class<?> type = info.serialClass();
    if (info.arrayLength() >= 0) {
      Status sized = array(info.arrayLength(), type);
      if (sized != Status.UNDECIDED) {
        return sized;
      }
    } else if (type == null
        ? !shape.expectsUnnamed(info.streamBytes())
        : !shape.expectsNamed(info.streamBytes())) {
      return exceed(
          "the stream does not read as its class descriptors declare (at byte "
              + info.streamBytes()
              + ")");
    }
    if (type == null) {
      return Status.UNDECIDED;
    }
    if (allowlist.allowsClass(type)) {
      return Status.ALLOWED;
    }
    refusedClass = allowlist.baseName(type);
    return Status.REJECTED;
  }

  private Status array(long length, Class<?> type) {
    if (length > limits.maxArrayLength()) {
      return exceed(
          "an array of "
              + length
              + " elements, more than "
              + limits.maxArrayLength()
              + " (pgjcache.serialization.max-array-length)");
    }
    Class<?> component = type == null ? null : type.getComponentType();
    arrayBytes += length * elementBytes(component);
    if (arrayBytes > arrayBudget) {
      return exceed(
          "arrays of "
              + arrayBytes
              + " bytes, more than "
              + arrayBudget
              + " for a stream of this length");
    }
    return Status.UNDECIDED;
  }

  private static int elementBytes(Class<?> component) {
    if (component == null || !component.isPrimitive()) {
      return 8;
    } else if (component == long.class || component == double.class) {
      return 8;
    } else if (component == int.class || component == float.class) {
      return 4;
    } else if (component == short.class || component == char.class) {
      return 2;
    }
    return 1;
  }

  private Status exceed(String what) {
    if (exceeded == null) {
      exceeded = what;
    }
    return Status.REJECTED;
  }

  /** The limit the stream exceeded, or null. */
  String exceeded() {
    return exceeded;
  }

  /** The class the allowlist refused, or null. */
  String refusedClass() {
    return refusedClass;
  }
}
