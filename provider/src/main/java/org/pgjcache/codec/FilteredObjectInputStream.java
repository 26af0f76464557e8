package org.pgjcache.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/** Resolves classes through the cache manager's class loader, under one decoding's filter. */
final class FilteredObjectInputStream extends ObjectInputStream {

  private final ClassLoader classLoader;

  FilteredObjectInputStream(InputStream in, ClassLoader classLoader, ObjectInputFilter filter)
      throws IOException {
    super(in);
    this.classLoader = classLoader;
    setObjectInputFilter(filter);
  }

  @Override
  protected Class<?> resolveClass(ObjectStreamClass desc)
      throws IOException, ClassNotFoundException {
    try {
      return Class.forName(desc.getName(), false, classLoader);
    } catch (ClassNotFoundException e) {
      return super.resolveClass(desc);
    }
  }
}
