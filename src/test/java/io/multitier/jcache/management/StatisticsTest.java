package io.multitier.jcache.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.spi.CachingProvider;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exact JSR-107 statistics of the common operations, read through the platform MBean server. */
final class StatisticsTest {

  private static final String MANAGER = "statistics-test";

  private CacheManager manager;
  private Cache<String, Integer> cache;
  private CacheStatisticsMXBean stats;

  @BeforeEach
  void createCache() throws Exception {
    CachingProvider provider = Caching.getCachingProvider();
    manager = provider.getCacheManager(URI.create(MANAGER), provider.getDefaultClassLoader());
    MultiTierConfiguration<String, Integer> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, Integer.class).setStatisticsEnabled(true);
    cache = manager.createCache("counted", config);
    stats = statisticsOf("counted");
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private static CacheStatisticsMXBean statisticsOf(String cacheName) throws Exception {
    return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), new ObjectName(
        "javax.cache:type=CacheStatistics,CacheManager=" + MANAGER + ",Cache=" + cacheName),
        CacheStatisticsMXBean.class);
  }

  private void assertCounts(long hits, long misses, long puts, long removals) {
    assertThat(new long[] {stats.getCacheHits(), stats.getCacheMisses(), stats.getCachePuts(),
        stats.getCacheRemovals()}).as("hits, misses, puts, removals")
        .containsExactly(hits, misses, puts, removals);
    assertThat(stats.getCacheGets()).isEqualTo(hits + misses);
  }

  @Test
  void getsCountHitsAndMissesAndContainsKeyCountsNothing() {
    cache.put("a", 1);
    cache.get("a");
    cache.get("a");
    cache.get("absent");
    cache.containsKey("a");
    cache.containsKey("absent");

    assertCounts(2, 1, 1, 0);
    assertThat(stats.getCacheHitPercentage()).isCloseTo(66.67f, offset(0.01f));
    assertThat(stats.getCacheMissPercentage()).isCloseTo(33.33f, offset(0.01f));
  }

  @Test
  void getAllCountsEachPresentKeyAsAHitAndEachAbsentOneAsAMiss() {
    cache.putAll(Map.of("a", 1, "b", 2));
    Map<String, Integer> found = cache.getAll(Set.of("a", "b", "c"));

    assertThat(found).containsOnlyKeys("a", "b");
    assertCounts(2, 1, 2, 0);
  }

  @Test
  void everyStoredValueIsAPutAndOnlyEffectiveRemovalsAreRemovals() {
    cache.put("a", 1);
    cache.put("a", 2);
    cache.putAll(Map.of("b", 1, "c", 1));
    assertCounts(0, 0, 4, 0);

    cache.remove("a");
    cache.remove("a");
    cache.remove("b", 99);
    cache.remove("b", 1);
    cache.removeAll(Set.of("c", "never"));
    assertCounts(2, 0, 4, 3);

    cache.put("d", 1);
    cache.put("e", 1);
    cache.removeAll();
    assertCounts(2, 0, 6, 5);
  }

  @Test
  void putIfAbsentIsAMissAndAPutWhenAbsentAndAHitWhenPresent() {
    assertThat(cache.putIfAbsent("a", 1)).isTrue();
    assertCounts(0, 1, 1, 0);
    assertThat(cache.putIfAbsent("a", 2)).isFalse();
    assertCounts(1, 1, 1, 0);
  }

  @Test
  void readingWritesCountTheirReadHalf() {
    assertThat(cache.getAndPut("a", 1)).isNull();
    assertCounts(0, 1, 1, 0);
    assertThat(cache.getAndPut("a", 2)).isEqualTo(1);
    assertCounts(1, 1, 2, 0);
    assertThat(cache.getAndReplace("a", 3)).isEqualTo(2);
    assertCounts(2, 1, 3, 0);
    assertThat(cache.getAndReplace("absent", 3)).isNull();
    assertCounts(2, 2, 3, 0);
    assertThat(cache.replace("a", 99, 4)).isFalse();
    assertCounts(3, 2, 3, 0);
    assertThat(cache.replace("a", 3, 4)).isTrue();
    assertCounts(4, 2, 4, 0);
    assertThat(cache.getAndRemove("a")).isEqualTo(4);
    assertCounts(5, 2, 4, 1);
    assertThat(cache.getAndRemove("a")).isNull();
    assertCounts(5, 3, 4, 1);
  }

  @Test
  void entryProcessorsCountWhatTheyDid() {
    cache.invoke("a", (entry, args) -> {
      entry.setValue(1);
      return null;
    });
    assertCounts(0, 1, 1, 0);
    cache.invoke("a", (entry, args) -> entry.getValue());
    assertCounts(1, 1, 1, 0);
    cache.invoke("a", (entry, args) -> {
      entry.remove();
      return null;
    });
    assertCounts(2, 1, 1, 1);
  }

  @Test
  void averageTimesAreNonNegativeAndGrowFromZero() {
    assertThat(stats.getAverageGetTime()).isZero();
    assertThat(stats.getAveragePutTime()).isZero();
    assertThat(stats.getAverageRemoveTime()).isZero();

    for (int i = 0; i < 1_000; i++) {
      cache.put("k" + i, i);
      cache.get("k" + i);
      cache.remove("k" + i);
    }

    assertThat(stats.getAverageGetTime()).isPositive();
    assertThat(stats.getAveragePutTime()).isPositive();
    assertThat(stats.getAverageRemoveTime()).isPositive();
  }

  @Test
  void clearingTheStatisticsStartsAgainFromZero() {
    cache.put("a", 1);
    cache.get("a");
    cache.get("b");
    stats.clear();
    assertCounts(0, 0, 0, 0);
    assertThat(stats.getAverageGetTime()).isZero();
    cache.get("a");
    assertCounts(1, 0, 0, 0);
  }

  @Test
  void nothingIsCountedWhileStatisticsAreOff() throws Exception {
    cache.put("a", 1);
    manager.enableStatistics("counted", false);
    cache.put("b", 1);
    cache.get("a");
    manager.enableStatistics("counted", true);
    stats = statisticsOf("counted");

    assertCounts(0, 0, 1, 0);
  }

  @Test
  void sizeEvictionsAreCounted() {
    MultiTierConfiguration<String, Integer> config = new MultiTierConfiguration<>();
    config.setMaximumSize(10).setStatisticsEnabled(true);
    Cache<String, Integer> small = manager.createCache("small", config);
    for (int i = 0; i < 100; i++) {
      small.put("k" + i, i);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(statisticsOf("small").getCacheEvictions()).isPositive());
  }

  @Test
  void timesAreReadFromTheCachesTicker() throws Exception {
    AtomicLong now = new AtomicLong();
    MultiTierConfiguration<String, Integer> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, Integer.class).setStatisticsEnabled(true);
    config.setTicker(now::get);
    config.setReadThrough(true).setCacheLoaderFactory(new FactoryBuilder.SingletonFactory<>(new AdvancingLoader(now)));
    Cache<String, Integer> timed = manager.createCache("timed", config);

    assertThat(timed.get("a")).isEqualTo(1);

    assertThat(statisticsOf("timed").getAverageGetTime()).as("microseconds").isEqualTo(3_000f);
  }

  /** A loader that moves the ticker on by 3 ms each time it loads. */
  private static final class AdvancingLoader implements CacheLoader<String, Integer> {

    private final AtomicLong now;

    AdvancingLoader(AtomicLong now) {
      this.now = now;
    }

    @Override
    public Integer load(String key) {
      now.addAndGet(3_000_000);
      return 1;
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }
}
