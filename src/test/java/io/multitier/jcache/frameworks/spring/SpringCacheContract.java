package io.multitier.jcache.frameworks.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import javax.cache.Cache;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spring's cache abstraction over this provider, in a real Spring context: Spring's annotations and
 * the JSR-107 ones. The subclasses run it L1-only and tiered.
 */
abstract class SpringCacheContract {

  /** The context the contract runs in. */
  abstract AnnotationConfigApplicationContext context();

  static AnnotationConfigApplicationContext start(String configUri) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.getEnvironment().getPropertySources()
        .addFirst(new MapPropertySource("test", Map.of("cache.config", configUri)));
    context.register(CacheConfig.class);
    context.refresh();
    return context;
  }

  BookService books() {
    return context().getBean(BookService.class);
  }

  PriceService prices() {
    return context().getBean(PriceService.class);
  }

  /** The JCache cache behind a Spring cache name, to look at what Spring stored. */
  Cache<Object, Object> jcache(String name) {
    return context().getBean(javax.cache.CacheManager.class).getCache(name);
  }

  @BeforeEach
  void emptyCaches() {
    for (String name : new String[] {"books", "books-by-title", "prices"}) {
      jcache(name).removeAll();
    }
    books().resetLoads();
    prices().resetLookups();
    prices().resetTable();
    books().save(new Book(1, "Notes"));
    books().save(new Book(2, "Engines"));
    jcache("books").removeAll();
  }

  @Test
  void springUsesThisProviderThroughJCacheCacheManager() {
    JCacheCacheManager manager = context().getBean(JCacheCacheManager.class);
    assertThat(manager.getCacheManager().getCachingProvider().getClass().getName())
        .isEqualTo("io.multitier.jcache.MultiTierCachingProvider");
    assertThat(manager.getCacheNames()).contains("books", "books-by-title", "prices");
  }

  @Test
  void cacheableLoadsOnceAndCachesNullsToo() {
    assertThat(books().find(1)).isEqualTo(new Book(1, "Notes"));
    assertThat(books().find(1)).isEqualTo(new Book(1, "Notes"));
    assertThat(books().find(99)).isNull();
    assertThat(books().find(99)).isNull();
    assertThat(books().loads()).isEqualTo(2);
    assertThat(jcache("books").get(1L)).isEqualTo(new Book(1, "Notes"));
    assertThat(jcache("books").containsKey(99L)).as("the null is cached as Spring's NullValue").isTrue();
  }

  @Test
  void cacheableWithSyncLoadsOnceThroughAnEntryProcessor() {
    assertThat(books().findByTitle("Engines")).isEqualTo(new Book(2, "Engines"));
    assertThat(books().findByTitle("Engines")).isEqualTo(new Book(2, "Engines"));
    assertThat(books().loads()).isEqualTo(1);
    assertThat(jcache("books-by-title").get("Engines")).isEqualTo(new Book(2, "Engines"));
  }

  @Test
  void cachePutReplacesAndCacheEvictRemoves() {
    books().find(1);
    books().save(new Book(1, "Notes, 2nd ed."));
    assertThat(books().find(1)).isEqualTo(new Book(1, "Notes, 2nd ed."));
    assertThat(books().loads()).as("the put value was served, not reloaded").isEqualTo(1);

    books().delete(1);
    assertThat(jcache("books").containsKey(1L)).isFalse();
    assertThat(books().find(1)).isNull();
    assertThat(books().loads()).isEqualTo(2);

    books().find(2);
    books().reloadAll();
    assertThat(jcache("books").iterator().hasNext()).as("allEntries = true empties the cache").isFalse();
  }

  @Test
  void jsr107CacheResultLoadsOnce() {
    assertThat(prices().price("apple")).isEqualByComparingTo("0.50");
    assertThat(prices().price("apple")).isEqualByComparingTo("0.50");
    assertThat(prices().price("pear")).isEqualByComparingTo("0.80");
    assertThat(prices().lookups()).isEqualTo(2);
    assertThat(jcache("prices").get("apple")).isEqualTo(new BigDecimal("0.50"));
  }

  @Test
  void jsr107CachePutCacheRemoveAndCacheRemoveAll() {
    prices().price("apple");
    prices().setPrice("apple", new BigDecimal("0.55"));
    assertThat(prices().price("apple")).isEqualByComparingTo("0.55");
    assertThat(prices().lookups()).as("@CachePut stored the new price").isEqualTo(1);

    prices().discontinue("apple");
    assertThat(jcache("prices").containsKey("apple")).isFalse();

    prices().price("pear");
    prices().repriceAll();
    assertThat(jcache("prices").containsKey("pear")).isFalse();
    prices().price("pear");
    assertThat(prices().lookups()).isEqualTo(3);
  }
}
