package io.multitier.jcache.tier;

import java.time.Duration;

/**
 * The times to live a put needs from the expiry policy: the engine asks for the one that applies,
 * once, when it knows whether the key is present.
 */
public interface PutTtls {

  /** Returns the time to live of a new entry; zero stores nothing. */
  Duration ifAbsent();

  /** Returns the time to live of a replaced entry, or {@code Ttl.UNCHANGED}; zero removes it. */
  Duration ifPresent();

  /**
   * Returns whether the answers never change, so that the engine may ask both before it knows
   * whether the key is present, and store in one round trip without reading first.
   */
  boolean fixed();
}
