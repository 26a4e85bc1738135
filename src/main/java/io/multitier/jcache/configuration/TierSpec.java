package io.multitier.jcache.configuration;

import static java.util.Objects.requireNonNull;

/**
 * A tier below the shared one: which backend, how much longer than the shared tier it keeps an
 * entry, and when a hit in it is copied up into the faster tiers.
 *
 * @param backend a {@code TierFactory} name, or the class name of an {@code L2CacheBackend<String, byte[]>}
 * @param ttlScale how many times the entry's time to live this tier keeps it (1 or more)
 * @param promotion {@code always}, {@code sample:N} (every N-th hit in this tier) or {@code hits:K}
 *     (a key's K-th hit in this tier)
 */
public record TierSpec(String backend, int ttlScale, String promotion) {

  /** Checks the spec. */
  public TierSpec {
    requireNonNull(backend, "backend");
    requireNonNull(promotion, "promotion");
    if (ttlScale < 1) {
      throw new IllegalArgumentException("ttlScale must be 1 or more: " + ttlScale);
    }
    if (!promotion.equals("always") && !promotion.matches("(sample|hits):[1-9][0-9]*")) {
      throw new IllegalArgumentException("promotion must be always, sample:N or hits:K, not '" + promotion + "'");
    }
  }
}
