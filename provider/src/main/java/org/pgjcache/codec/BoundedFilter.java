package org.pgjcache.codec;

import java.io.ObjectInputFilter;

/**
 * The filter of one deserialization: the allowlist's verdict on classes, and {@link DecodeLimits} on
 * everything else. It keeps the state of its stream (start time, memory declared by arrays), so it is
 * made afresh for every decode and remembers why it refused.
 */
final class BoundedFilter implements ObjectInputFilter {

  private final SerializationAllowlist allowlist;
  private final DecodeLimits limits;
  private final long inputBytes;
  private final long deadline;
  private long declaredBytes;
  private String refusal;
  private String refusedClass;

  BoundedFilter(SerializationAllowlist allowlist, DecodeLimits limits, long inputBytes) {
    this.allowlist = allowlist;
    this.limits = limits;
    this.inputBytes = inputBytes;
    this.deadline = System.nanoTime() + limits.maxTime().toNanos();
  }

  /** Why the stream was refused for its shape (not its classes), or null. */
  String refusal() {
    return refusal;
  }

  /** The class the allowlist refused, or null. */
  String refusedClass() {
    return refusedClass;
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (System.nanoTime() - deadline > 0) {
      return refuse("it took longer than " + limits.maxTime().toMillis() + " ms");
    }
    if (info.depth() > limits.maxDepth()) {
      return refuse("it nests deeper than " + limits.maxDepth());
    }
    if (info.references() > limits.maxReferences()) {
      return refuse("it holds more than " + limits.maxReferences() + " references");
    }
    if (info.streamBytes() > limits.maxBytes()) {
      return refuse("it is longer than " + limits.maxBytes() + " bytes");
    }
    Class<?> type = info.serialClass();
    if (info.arrayLength() >= 0) {
      if (info.arrayLength() > limits.maxArrayLength()) {
        return refuse("it declares an array of " + info.arrayLength() + " elements (at most "
            + limits.maxArrayLength() + ")");
      }
      declaredBytes += info.arrayLength() * elementBytes(type);
      long budget = inputBytes * DecodeLimits.BYTES_PER_INPUT_BYTE + DecodeLimits.SLACK_BYTES;
      if (declaredBytes > budget) {
        return refuse("its arrays would take " + declaredBytes + " bytes, far more than its "
            + inputBytes + " bytes of input can fill");
      }
    }
    if (type == null) {
      return Status.UNDECIDED;
    }
    Class<?> component = type;
    while (component.isArray()) {
      component = component.getComponentType();
    }
    if (component.isPrimitive() || allowlist.allows(component.getName())) {
      return Status.ALLOWED;
    }
    refusedClass = component.getName();
    return Status.REJECTED;
  }

  private Status refuse(String why) {
    if (refusal == null) {
      refusal = why;
    }
    return Status.REJECTED;
  }

  private static long elementBytes(Class<?> arrayType) {
    Class<?> component = arrayType == null ? Object.class : arrayType.getComponentType();
    if (component == null || !component.isPrimitive()) {
      return 8;
    }
    if (component == long.class || component == double.class) {
      return 8;
    }
    if (component == int.class || component == float.class) {
      return 4;
    }
    if (component == short.class || component == char.class) {
      return 2;
    }
    return 1;
  }
}
