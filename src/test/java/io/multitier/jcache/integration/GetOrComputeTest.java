package io.multitier.jcache.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.ComputingCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** getOrCompute: read-through without a CacheLoader, with its own time to live. */
final class GetOrComputeTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CacheManager manager = Caching.getCachingProvider().getCacheManager();
  private final Cache<String, String> cache = manager.createCache("get-or-compute",
      new MultiTierConfiguration<String, String>().setTicker(ticker));
  @SuppressWarnings("unchecked")
  private final ComputingCache<String, String> computing = cache.unwrap(ComputingCache.class);

  @AfterEach
  void destroy() {
    manager.destroyCache("get-or-compute");
  }

  @Test
  void aMissComputesStoresForTheTimeToLiveAndAHitDoesNotCompute() {
    AtomicInteger calls = new AtomicInteger();
    assertThat(computing.getOrCompute("k", key -> "v" + calls.incrementAndGet(), Duration.ofSeconds(10)))
        .isEqualTo("v1");
    assertThat(computing.getOrCompute("k", key -> "v" + calls.incrementAndGet(), Duration.ofSeconds(10)))
        .isEqualTo("v1");
    assertThat(cache.get("k")).isEqualTo("v1");
    ticker.advance(Duration.ofSeconds(11));
    assertThat(cache.get("k")).isNull();
    assertThat(computing.getOrCompute("k", key -> "v" + calls.incrementAndGet(), Duration.ofSeconds(10)))
        .isEqualTo("v2");
  }

  @Test
  void aNullResultIsReturnedAndNotStored() {
    assertThat(computing.getOrCompute("k", key -> null, Duration.ofSeconds(10))).isNull();
    assertThat(cache.containsKey("k")).isFalse();
  }

  @Test
  void threadsMissingAtOnceShareOneComputation() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> computing.getOrCompute("k", key -> {
          calls.incrementAndGet();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "computed";
        }, Duration.ofMinutes(1))));
      }
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(calls::get, n -> n >= 1);
      org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(50))
          .atMost(java.time.Duration.ofSeconds(10)).until(() -> true);
      release.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("computed");
      }
      assertThat(calls).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> computing.getOrCompute(null, key -> "v", Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("null key");
    assertThatThrownBy(() -> computing.getOrCompute("k", key -> "v", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
