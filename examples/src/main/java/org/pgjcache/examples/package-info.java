/**
 * Runnable examples of pgjcache. They are programs, not library code: they print to standard
 * output, and they find their database through {@link org.pgjcache.examples.ExampleDatabase}, so
 * that they run from a clean clone without a PostgreSQL to install.
 */
package org.pgjcache.examples;
