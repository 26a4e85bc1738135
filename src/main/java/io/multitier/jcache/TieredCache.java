package io.multitier.jcache;

import io.multitier.jcache.spi.Health;
import io.multitier.jcache.tier.TierStatistics;
import java.util.List;

/**
 * What a cache of this provider offers beyond JSR-107, reached with
 * {@code cache.unwrap(TieredCache.class)}.
 */
public interface TieredCache {

  /** Returns the per-tier counters: hits in each tier, promotions, invalidations, errors. */
  TierStatistics tierStatistics();

  /** Reports the health of each tier, fastest first. */
  List<Health> health();
}
