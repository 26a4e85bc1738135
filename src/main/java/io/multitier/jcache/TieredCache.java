package io.multitier.jcache;

import io.multitier.jcache.spi.Health;
import io.multitier.jcache.tier.TierStatistics;
import java.util.List;

/**
 * What a cache of this provider offers beyond JSR-107, reached with
 * {@code cache.unwrap(TieredCache.class)}.
 */
public interface TieredCache {

  /**
   * Returns the per-tier counters: hits in each tier, promotions, invalidations, errors. An
   * L1-only cache counts its reads (L1 hits, misses) only once its statistics are enabled or
   * {@code TierMetrics} is bound to it, so that an L1 hit costs no shared counter.
   */
  TierStatistics tierStatistics();

  /** Reports the health of each tier, fastest first. */
  List<Health> health();
}
