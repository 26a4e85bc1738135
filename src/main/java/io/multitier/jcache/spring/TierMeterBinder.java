package io.multitier.jcache.spring;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.multitier.jcache.metrics.TierMetrics;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * Binds the per-tier meters ({@link TierMetrics}) of every cache the provider's CacheManagers hold
 * when Boot binds its meters, and turns on their JCache statistics, which Boot's own cache meters
 * ({@code cache.gets}, {@code cache.puts}) read: without them those meters stay at 0. Caches created
 * later are not bound: bind {@code new TierMetrics(cache)} to the registry yourself.
 */
public final class TierMeterBinder implements MeterBinder {

  private final ProviderCacheManagers managers;
  private final boolean enableStatistics;

  TierMeterBinder(ProviderCacheManagers managers, boolean enableStatistics) {
    this.managers = requireNonNull(managers, "managers");
    this.enableStatistics = enableStatistics;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (CacheManager manager : managers.open()) {
      for (String name : manager.getCacheNames()) {
        Cache<?, ?> cache = manager.getCache(name);
        if (cache == null) {
          continue;
        }
        if (enableStatistics) {
          manager.enableStatistics(name, true);
        }
        new TierMetrics(cache).bindTo(registry);
      }
    }
  }
}
