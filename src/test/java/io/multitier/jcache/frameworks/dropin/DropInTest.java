package io.multitier.jcache.frameworks.dropin;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.frameworks.ConfigFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One application ({@link Inventory}), unchanged, on Ehcache 3, on Caffeine's jcache, and on this
 * provider L1-only and tiered: only its settings file and the provider's configuration file differ,
 * and it sees exactly the same results on each.
 */
final class DropInTest {

  static final List<String> EXPECTED = List.of(
      "putIfAbsent apple 99 -> false",
      "get apple -> 50",
      "replace apple 50->55 -> true",
      "replace apple 50->60 -> false",
      "getAndPut pear 80 -> null",
      "invoke apple +5 -> 60",
      "getAll apple pear plum -> {apple=60, pear=80}",
      "remove pear 81 -> false",
      "remove pear -> true",
      "containsKey pear -> false",
      "getAndRemove apple -> 60",
      "entries -> [fig=90, plum=30]",
      "after removeAll, any entry -> false",
      "product 1 -> Product[id=1, name=Lamp, priceCents=3000]",
      "product 2 -> null",
      "replace product 1 -> true",
      "product 1 -> Product[id=1, name=Lamp, priceCents=2500]",
      "events -> [created apple=50, updated apple 50->55, created pear=80, updated apple 55->60, removed pear,"
          + " removed apple, created fig=90, created plum=30, removed fig, removed plum]");

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "frameworks/dropin/ehcache.properties, org.ehcache.jsr107.Eh107Cache",
      "frameworks/dropin/caffeine.properties, com.github.benmanes.caffeine.jcache.CacheProxy",
      "frameworks/dropin/multitier.properties, io.multitier.jcache.MultiTierCache"})
  void theSameApplicationGivesTheSameResults(String settings, String cacheClass) {
    try (Inventory inventory = Inventory.open(settings)) {
      assertThat(inventory.run()).containsExactlyElementsOf(EXPECTED);
      assertThat(inventory.cacheManager().getCache("prices", String.class, Integer.class).getClass().getName())
          .as("the caches are the provider's own").isEqualTo(cacheClass);
    }
  }

  @Test
  void theSameApplicationGivesTheSameResultsTiered() {
    try (ConfigFiles files = new ConfigFiles()) {
      Properties settings = new Properties();
      settings.setProperty("cache.provider", "io.multitier.jcache.MultiTierCachingProvider");
      settings.setProperty("cache.config", files.fromTemplate("frameworks/dropin/multitier-tiered.yaml",
          "multitier.yaml", redis.server().address()).toString());
      try (Inventory inventory = Inventory.open(settings)) {
        assertThat(inventory.run()).containsExactlyElementsOf(EXPECTED);
        Cache<Long, Product> products = inventory.cacheManager().getCache("products", Long.class, Product.class);
        assertThat(products.unwrap(TieredCache.class).tierStatistics().invalidationsSent())
            .as("the writes went through Redis").isGreaterThan(0);
        assertThat((Long) redis.server().call("EXISTS", "dropin:{products}:l:1")).isEqualTo(1L);
      }
    }
  }
}
