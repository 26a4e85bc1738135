package io.multitier.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.configuration.Factory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Expiry follows the policy on the injected ticker's time line; no test sleeps. */
final class ExpiryTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CacheManager manager = Caching.getCachingProvider().getCacheManager();

  @AfterEach
  void destroy() {
    manager.destroyCache("expiry");
  }

  private Cache<String, String> cache(Factory<? extends ExpiryPolicy> policy) {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<String, String>()
        .setTicker(ticker);
    config.setExpiryPolicyFactory(policy);
    return manager.createCache("expiry", config);
  }

  private static javax.cache.expiry.Duration seconds(long amount) {
    return new javax.cache.expiry.Duration(TimeUnit.SECONDS, amount);
  }

  @Test
  void createdExpiryCountsFromTheFirstPut() {
    Cache<String, String> cache = cache(CreatedExpiryPolicy.factoryOf(seconds(10)));
    cache.put("k", "v1");
    ticker.advance(Duration.ofSeconds(6));
    cache.put("k", "v2");
    ticker.advance(Duration.ofSeconds(3));
    assertThat(cache.get("k")).isEqualTo("v2");
    ticker.advance(Duration.ofSeconds(2));
    assertThat(cache.get("k")).isNull();
  }

  @Test
  void modifiedExpiryRestartsOnUpdate() {
    Cache<String, String> cache = cache(ModifiedExpiryPolicy.factoryOf(seconds(10)));
    cache.put("k", "v1");
    ticker.advance(Duration.ofSeconds(6));
    cache.put("k", "v2");
    ticker.advance(Duration.ofSeconds(6));
    assertThat(cache.get("k")).isEqualTo("v2");
    ticker.advance(Duration.ofSeconds(5));
    assertThat(cache.containsKey("k")).isFalse();
  }

  @Test
  void accessedExpiryRestartsOnEveryRead() {
    Cache<String, String> cache = cache(AccessedExpiryPolicy.factoryOf(seconds(10)));
    cache.put("k", "v");
    for (int i = 0; i < 5; i++) {
      ticker.advance(Duration.ofSeconds(8));
      assertThat(cache.get("k")).isEqualTo("v");
    }
    ticker.advance(Duration.ofSeconds(11));
    assertThat(cache.get("k")).isNull();
  }

  @Test
  void aZeroCreationDurationStoresNothing() {
    Cache<String, String> cache = cache(CreatedExpiryPolicy.factoryOf(
        javax.cache.expiry.Duration.ZERO));
    cache.put("k", "v");
    assertThat(cache.containsKey("k")).isFalse();
  }
}
