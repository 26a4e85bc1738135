package io.multitier.jcache.spi;

import java.time.Duration;

/** Time-to-live values with a special meaning in the backend SPI. */
public final class Ttl {

  /** The entry never expires. */
  public static final Duration ETERNAL = Duration.ofMillis(Long.MAX_VALUE);

  /** The entry keeps the expiry it already has (only where an operation replaces an entry). */
  public static final Duration UNCHANGED = Duration.ofMillis(-1);

  private Ttl() {}

  /** Returns whether the time to live means "never expires". */
  public static boolean isEternal(Duration ttl) {
    return ETERNAL.equals(ttl);
  }

  /** Returns whether the time to live means "keep the current expiry". */
  public static boolean isUnchanged(Duration ttl) {
    return UNCHANGED.equals(ttl);
  }

  /** Returns the smaller of two times to live. */
  public static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
