package org.pgjcache.backend;

/** What a change did; its code travels in notifications. */
public enum Op {
  /** A key got a new value. */
  PUT('P'),
  /** A key was removed by a caller. */
  REMOVE('R'),
  /** A key was removed because it expired. */
  EXPIRE('X'),
  /** A key's expiry instant moved without a new value (accessed expiry). */
  TOUCH('T'),
  /** Every key of the cache was removed without events ({@code Cache.clear()}). */
  CLEAR('C'),
  /** The cache was destroyed. */
  DESTROY('D');

  private final char code;

  Op(char code) {
    this.code = code;
  }

  public char code() {
    return code;
  }

  public static Op ofCode(char code) {
    for (Op op : values()) {
      if (op.code == code) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown change code '" + code + "'");
  }
}
