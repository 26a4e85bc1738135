package io.multitier.jcache.spi;

import java.time.Duration;

/**
 * The times to live of the backend SPI: one vocabulary, every tier, every operation.
 *
 * <ul>
 *   <li>a positive {@link Duration}: the entry lives that long (a tier may round it up to its own
 *       resolution, never down);
 *   <li>{@link #ETERNAL}: the entry never expires;
 *   <li>{@link #UNCHANGED}: the entry keeps the expiry it has; only where a write may replace an
 *       entry, and a new entry written with it never expires (as Redis's {@code SET KEEPTTL});
 *   <li>{@link Duration#ZERO}: the entry is expired at once, so a write with it removes the entry
 *       (JSR-107's {@code Duration.ZERO}).
 * </ul>
 *
 * Any other negative duration is an error. A tier that stores times to live in another form maps
 * them in one place each way (the Redis tier: {@code WireValues}).
 */
public final class Ttl {

  /** The entry never expires. */
  public static final Duration ETERNAL = Duration.ofMillis(Long.MAX_VALUE);

  /**
   * The entry keeps the expiry it already has. The most negative {@link Duration}: it is no number
   * of milliseconds, so it is never mistaken for a tier's own codes (Redis's {@code -1} means
   * eternal) nor sent as one by accident ({@link Duration#toMillis()} throws).
   */
  public static final Duration UNCHANGED = Duration.ofSeconds(Long.MIN_VALUE);

  private Ttl() {}

  /** Returns whether the time to live means "never expires". */
  public static boolean isEternal(Duration ttl) {
    return ETERNAL.equals(ttl);
  }

  /** Returns whether the time to live means "keep the current expiry". */
  public static boolean isUnchanged(Duration ttl) {
    return UNCHANGED.equals(ttl);
  }

  /** Returns whether the time to live makes an entry expire some time from now: neither eternal, unchanged nor zero. */
  public static boolean isFinite(Duration ttl) {
    return !isEternal(ttl) && !isUnchanged(ttl) && !ttl.isZero();
  }
}
