package org.pgjcache.backend;

/** What a {@link Mutator} decided to do with the entry it saw under the row lock. */
public sealed interface Mutation {

  /** Leave the entry as it is. */
  Mutation NONE = new None();

  static Mutation put(byte[] value, long expireAt) {
    return new Put(value, expireAt);
  }

  static Mutation remove() {
    return new Remove(Op.REMOVE);
  }

  static Mutation expire() {
    return new Remove(Op.EXPIRE);
  }

  static Mutation touch(long expireAt) {
    return new Touch(expireAt);
  }

  /** Leave the entry as it is. */
  record None() implements Mutation {}

  /** Store a new value. */
  record Put(byte[] value, long expireAt) implements Mutation {}

  /** Remove the entry, as a removal or as an expiry. */
  record Remove(Op op) implements Mutation {}

  /** Keep the value, move the expiry instant. */
  record Touch(long expireAt) implements Mutation {}
}
