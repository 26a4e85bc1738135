package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

/**
 * The state of one tier, as its health check saw it.
 *
 * @param tier the tier's name
 * @param healthy whether the tier answered as expected
 * @param detail what was seen: a latency, an error message
 */
public record Health(String tier, boolean healthy, String detail) {

  /** Creates a report; the tier and detail may not be null. */
  public Health {
    requireNonNull(tier, "tier");
    requireNonNull(detail, "detail");
  }

  /** Returns a healthy report. */
  public static Health up(String tier, String detail) {
    return new Health(tier, true, detail);
  }

  /** Returns an unhealthy report. */
  public static Health down(String tier, String detail) {
    return new Health(tier, false, detail);
  }
}
