/**
 * The two-node demo that the README's first command runs: two cache managers with backends of their
 * own play two JVMs on one PostgreSQL, and the demo shows, as a short log, a change on one node
 * reaching the other's listeners, a killed LISTEN connection recovering, and a row changed behind
 * pgjcache's back being repaired by the heartbeat.
 */
package org.pgjcache.examples.demo;
