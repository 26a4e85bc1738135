package io.multitier.jcache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-tier counters reach Micrometer with the cache's name as a tag; an L1-only cache counts its
 * reads once its statistics are enabled or the meters are bound.
 */
final class TierMetricsTest {

  private final CacheManager manager = Caching.getCachingProvider().getCacheManager();

  @AfterEach
  void destroy() {
    manager.destroyCache("org.example.Entity#metrics");
  }

  @Test
  void countersFollowTheCache() {
    Cache<String, String> cache = manager.createCache("org.example.Entity#metrics",
        new MutableConfiguration<String, String>());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new TierMetrics(cache).bindTo(registry);

    cache.put("a", "1");
    cache.get("a");
    cache.get("a");
    cache.get("missing");

    assertThat(registry.get("multitier.cache.l1.hits").tag("cache", "org.example.Entity#metrics")
        .functionCounter().count()).isEqualTo(2.0);
    assertThat(registry.get("multitier.cache.misses").functionCounter().count()).isEqualTo(1.0);
    assertThat(registry.get("multitier.cache.tier.up").tag("tier", "L1").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void anL1OnlyCacheCountsItsReadsOnceStatisticsAreEnabled() {
    Cache<String, String> cache = manager.createCache("org.example.Entity#metrics",
        new MutableConfiguration<String, String>());
    TierStatistics tiers = cache.unwrap(TieredCache.class).tierStatistics();
    cache.put("a", "1");
    cache.get("a");
    cache.get("missing");

    assertThat(tiers.l1Hits()).as("an L1 hit updates no shared counter").isZero();
    assertThat(tiers.misses()).isZero();

    manager.enableStatistics("org.example.Entity#metrics", true);
    cache.get("a");
    cache.get("missing");
    assertThat(tiers.l1Hits()).isEqualTo(1);
    assertThat(tiers.misses()).isEqualTo(1);
  }
}
