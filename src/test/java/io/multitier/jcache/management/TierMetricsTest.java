package io.multitier.jcache.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-tier counters reach Micrometer with the cache's name as a tag. */
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
}
