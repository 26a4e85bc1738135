package io.multitier.jcache.frameworks.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.MultiTierCachingProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hibernate's second-level cache on the embedded default (no Redis), selected with
 * {@code hibernate.javax.cache.provider}, configured by the file {@code hibernate.javax.cache.uri}
 * names, with {@code missing_cache_strategy=fail}.
 */
final class HibernateL1OnlyTest extends SecondLevelCacheContract {

  private static Node node;

  @BeforeAll
  static void start() {
    node = Node.start("l1only", "frameworks/hibernate/l1-only.yaml", "fail", true);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Override
  Node node() {
    return node;
  }

  @Test
  void hibernateGotTheProviderAndTheFileItWasTold() {
    assertThat(node.cacheManager().getCachingProvider()).isInstanceOf(MultiTierCachingProvider.class);
    // Hibernate resolves the class-path resource itself and passes the provider its URL
    assertThat(node.cacheManager().getURI().toString()).endsWith("frameworks/hibernate/l1-only.yaml");
    assertThat(node.region(Node.BOOK_REGION).getClass().getName()).isEqualTo("io.multitier.jcache.MultiTierCache");
  }

  @Test
  void failRefusesToStartWhenTheFileLacksARegion() {
    assertThatThrownBy(() -> Node.start("l1only", "frameworks/hibernate/partial.yaml", "fail", false).close())
        .hasStackTraceContaining("On-the-fly creation of JCache Cache objects is not supported");
  }

  @Test
  void createMakesTheRegionsInTheDefaultCacheManager() {
    try (Node onDefaults = Node.start("l1only", null, "create", false)) {
      assertThat(onDefaults.cacheManager().getURI()).isEqualTo(MultiTierCachingProvider.DEFAULT_URI);
      assertThat(onDefaults.cacheManager().getCacheNames()).contains(Node.REGIONS);
      onDefaults.read(s -> s.find(Book.class, 10L));
      onDefaults.read(s -> s.find(Book.class, 10L));
      assertThat(onDefaults.statistics().getSecondLevelCacheHitCount()).isEqualTo(1);
      assertThat(onDefaults.statistics().getSecondLevelCacheMissCount()).isEqualTo(1);
    }
  }
}
