package io.multitier.jcache.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.cache.Cache;

/**
 * Publishes a cache's per-tier counters as Micrometer meters: {@code multitier.cache.<counter>}
 * (for example {@code multitier.cache.l2.hits}) with the tags {@code cache} and
 * {@code cache.manager}, and {@code multitier.cache.tier.up} per tier (1 healthy, 0 not).
 * Micrometer is an optional dependency: only this class needs it.
 */
public final class TierMetrics implements MeterBinder {

  private final Cache<?, ?> cache;

  /** Creates the binder for a cache of this provider. */
  public TierMetrics(Cache<?, ?> cache) {
    this.cache = requireNonNull(cache, "cache");
    cache.unwrap(TieredCache.class);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    TieredCache tiers = cache.unwrap(TieredCache.class);
    tiers.tierStatistics().countReads();
    Tags tags = Tags.of("cache", cache.getName(), "cache.manager", cache.getCacheManager().getURI().toString());
    for (String counter : tiers.tierStatistics().asMap().keySet()) {
      ToDoubleFunction<TieredCache> read = t -> valueOf(t.tierStatistics(), counter);
      FunctionCounter.builder("multitier.cache." + counter, tiers, read)
          .tags(tags)
          .description("per-tier counter " + counter + " of the cache")
          .register(registry);
    }
    for (int i = 0; i < tiers.health().size(); i++) {
      int index = i;
      Gauge.builder("multitier.cache.tier.up", tiers, t -> t.health().get(index).healthy() ? 1 : 0)
          .tags(tags.and("tier", tiers.health().get(index).tier()))
          .description("whether the tier answered its last health check")
          .register(registry);
    }
  }

  private static double valueOf(TierStatistics statistics, String counter) {
    Map<String, Long> values = statistics.asMap();
    return values.getOrDefault(counter, 0L);
  }
}
