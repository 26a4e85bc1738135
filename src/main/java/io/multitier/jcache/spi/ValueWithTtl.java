package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A value read from a tier and how long it still lives there.
 *
 * @param value the value, never null
 * @param ttl the remaining time to live, or {@link Ttl#ETERNAL}
 * @param <V> the value type
 */
public record ValueWithTtl<V>(V value, Duration ttl) {

  /** Creates the pair; neither part may be null. */
  public ValueWithTtl {
    requireNonNull(value, "value");
    requireNonNull(ttl, "ttl");
  }
}
