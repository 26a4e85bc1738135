package io.multitier.jcache.frameworks.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.frameworks.ConfigFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * Spring's cache abstraction tiered over a real {@code redis-server}: the contract in context A,
 * then two contexts (two application nodes, separate CacheManagers and Redisson clients) sharing
 * Redis: what one caches the other reads without calling its service; what one evicts the other
 * stops serving once the invalidation has arrived.
 */
final class SpringTieredTest extends SpringCacheContract {

  private static final Duration INVALIDATION_BOUND = Duration.ofSeconds(1);

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static ConfigFiles files;
  private static AnnotationConfigApplicationContext a;
  private static AnnotationConfigApplicationContext b;

  @BeforeAll
  static void start() {
    files = new ConfigFiles();
    String address = redis.server().address();
    a = start(files.fromTemplate("frameworks/spring/tiered.yaml", "node-a.yaml", address).toString());
    b = start(files.fromTemplate("frameworks/spring/tiered.yaml", "node-b.yaml", ConfigFiles.otherSpelling(address))
        .toString());
  }

  @AfterAll
  static void stop() {
    try {
      if (b != null) {
        b.close();
      }
      if (a != null) {
        a.close();
      }
    } finally {
      if (files != null) {
        files.close();
      }
    }
  }

  @Override
  AnnotationConfigApplicationContext context() {
    return a;
  }

  private static BookService booksOf(AnnotationConfigApplicationContext node) {
    return node.getBean(BookService.class);
  }

  private static PriceService pricesOf(AnnotationConfigApplicationContext node) {
    return node.getBean(PriceService.class);
  }

  private static TierStatistics tiers(AnnotationConfigApplicationContext node, String cache) {
    return node.getBean(javax.cache.CacheManager.class).getCache(cache).unwrap(TieredCache.class).tierStatistics();
  }

  private static int barrier;

  /**
   * Waits until B has handled every invalidation notice A published so far (a notice still on its
   * way drops whatever copy B promoted meanwhile). B holds a barrier entry in L1; A overwrites it;
   * Redis delivers A's notices in order, so once B reads A's value the earlier ones are handled.
   */
  private static void settle() {
    long value = -(++barrier);
    javax.cache.Cache<Object, Object> inA = a.getBean(javax.cache.CacheManager.class).getCache("books");
    javax.cache.Cache<Object, Object> inB = b.getBean(javax.cache.CacheManager.class).getCache("books");
    inB.put(value, "held by B");
    inA.put(value, "written by A");
    await().atMost(INVALIDATION_BOUND).pollInterval(Duration.ofMillis(1))
        .until(() -> "written by A".equals(inB.get(value)));
  }

  @Test
  void whatOneNodeCachedTheOtherReadsWithoutCallingItsService() {
    BookService bBooks = booksOf(b);
    int bLoads = bBooks.loads();
    long l2Hits = tiers(b, "books").l2Hits();
    assertThat(booksOf(a).find(1)).isEqualTo(new Book(1, "Notes"));
    assertThat(booksOf(a).find(99)).isNull();

    assertThat(bBooks.find(1)).isEqualTo(new Book(1, "Notes"));
    assertThat(bBooks.find(99)).as("a cached null (NullValue) read back from Redis").isNull();
    assertThat(bBooks.loads()).as("B's service was not called").isEqualTo(bLoads);
    assertThat(tiers(b, "books").l2Hits()).isEqualTo(l2Hits + 2);
    assertThat(tiers(b, "books").corruptValues()).isZero();

    int bLookups = pricesOf(b).lookups();
    assertThat(pricesOf(a).price("pear")).isEqualByComparingTo("0.80");
    assertThat(pricesOf(b).price("pear")).isEqualByComparingTo("0.80");
    assertThat(pricesOf(b).lookups()).as("JSR-107 @CacheResult in B served from Redis").isEqualTo(bLookups);
  }

  @Test
  void whatOneNodeEvictsOrPutsTheOtherStopsServing() {
    BookService aBooks = booksOf(a);
    BookService bBooks = booksOf(b);
    settle();
    bBooks.find(2);
    bBooks.find(2);
    assertThat(tiers(b, "books").l1Hits()).as("B holds book 2 in L1").isGreaterThanOrEqualTo(1);

    aBooks.save(new Book(2, "Engines, revised"));
    await().atMost(INVALIDATION_BOUND).until(() -> bBooks.find(2).title().equals("Engines, revised"));

    int bLoads = bBooks.loads();
    aBooks.delete(2);
    // B's service has a "database" of its own, which still has book 2: once A's evict has reached
    // B, B calls its service again
    await().atMost(INVALIDATION_BOUND).until(() -> bBooks.find(2) != null && bBooks.loads() > bLoads);

    pricesOf(b).price("apple");
    pricesOf(b).price("apple");
    pricesOf(a).setPrice("apple", new BigDecimal("0.60"));
    await().atMost(INVALIDATION_BOUND)
        .until(() -> pricesOf(b).price("apple").compareTo(new BigDecimal("0.60")) == 0);
  }
}
