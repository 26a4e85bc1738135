package io.multitier.jcache.frameworks.dropin;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.frameworks.ConfigFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
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
  void theSameApplicationGivesTheSameResults(String settings, String cacheClass) throws IOException {
    asAnApplicationOfItsOwn(() -> {
      try (Inventory inventory = Inventory.open(settings)) {
        assertThat(inventory.run()).containsExactlyElementsOf(EXPECTED);
        assertThat(inventory.cacheManager().getCache("prices", String.class, Integer.class).getClass().getName())
            .as("the caches are the provider's own").isEqualTo(cacheClass);
      }
    });
  }

  /**
   * Runs the application with a class loader of its own as its context class loader. JSR-107's
   * {@code Caching} remembers every provider it loaded per class loader, and from then on
   * {@code Caching.getCachingProvider()} with that loader finds them all: Ehcache and Caffeine
   * loaded through the test's own class loader would break every later test that relies on finding
   * one provider.
   */
  static void asAnApplicationOfItsOwn(Runnable application) throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader own = new URLClassLoader(new URL[0], previous)) {
      thread.setContextClassLoader(own);
      application.run();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void noOtherProviderLeaksIntoTheTestClassLoader() throws IOException {
    theSameApplicationGivesTheSameResults("frameworks/dropin/ehcache.properties", "org.ehcache.jsr107.Eh107Cache");
    // what the other test classes of this run do: find this provider, through the system property
    assertThat(javax.cache.Caching.getCachingProvider().getClass().getName())
        .isEqualTo("io.multitier.jcache.MultiTierCachingProvider");
  }

  @Test
  void theSameApplicationGivesTheSameResultsTiered() throws IOException {
    asAnApplicationOfItsOwn(this::runTiered);
  }

  private void runTiered() {
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
