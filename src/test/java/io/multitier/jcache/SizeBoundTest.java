package io.multitier.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import java.util.stream.StreamSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.management.CacheStatisticsMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-process tier is bounded in size, by default too, and evictions are counted. */
final class SizeBoundTest {

  private final CacheManager manager = Caching.getCachingProvider().getCacheManager();

  @AfterEach
  void destroy() {
    manager.destroyCache("size-bound");
  }

  @Test
  void aConfiguredBoundHoldsAndEvictionsAreCounted() {
    MultiTierConfiguration<Integer, Integer> config = new MultiTierConfiguration<Integer, Integer>()
        .setMaximumSize(10);
    config.setStatisticsEnabled(true);
    Cache<Integer, Integer> cache = manager.createCache("size-bound", config);
    for (int i = 0; i < 100; i++) {
      cache.put(i, i);
    }
    long held = count(cache);
    assertThat(held).isBetween(1L, 10L);
    CacheStatisticsMXBean statistics = ((MultiTierCache<?, ?>) cache).statistics();
    assertThat(statistics.getCacheEvictions()).isEqualTo(100 - held);
    assertThat(statistics.getCachePuts()).isEqualTo(100);
  }

  @Test
  void aCacheWithNoSizeConfiguredIsBoundedByTheDefault() {
    Cache<Integer, Integer> cache = manager.createCache("size-bound", new MutableConfiguration<>());
    long limit = MultiTierConfiguration.DEFAULT_MAXIMUM_SIZE;
    for (int i = 0; i < 2 * limit; i++) {
      cache.put(i, i);
    }
    assertThat(count(cache)).isBetween(1L, limit);
  }

  private static long count(Cache<Integer, Integer> cache) {
    return StreamSupport.stream(cache.spliterator(), false).count();
  }
}
