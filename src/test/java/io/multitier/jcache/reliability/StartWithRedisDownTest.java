package io.multitier.jcache.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.NamingLoader;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.configuration.DegradationPolicy;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An application starts while its Redis is down: the CacheManager and its caches are created at
 * once, the caches serve as their degradation policy says, and they become tiered by themselves
 * (shared entries, invalidations) once Redis answers.
 */
final class StartWithRedisDownTest {

  private static final String SHORT_TIMEOUTS = ManagerFiles.SHORT_TIMEOUTS;
  private static final Duration CREATED_WITHIN = Duration.ofSeconds(1);
  private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(20);
  private static final String PREFIX = "down:";

  private RedisServer server;
  private ManagerFiles managers;

  /** Loads Redisson's classes and starts its threads once, so that the timings below are the cache's own. */
  @BeforeAll
  static void warmUp() {
    try (RedisServer live = RedisServer.start(); ManagerFiles files = new ManagerFiles()) {
      CacheManager manager = files.open(files.separateClient(live, PREFIX, "warm", SHORT_TIMEOUTS));
      MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
      config.setTypes(String.class, String.class);
      Cache<String, String> cache = manager.createCache("warm", config);
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
    }
  }

  @BeforeEach
  void startDown() {
    server = RedisServer.start();
    server.kill();
    managers = new ManagerFiles();
  }

  @AfterEach
  void stop() {
    try {
      managers.close();
    } finally {
      server.stop();
    }
  }

  @Test
  void failFastCachesAreCreatedAtOnceFailUntilRedisAnswersThenShare() {
    long start = System.nanoTime();
    Cache<String, String> a = declared("a", "FAIL_FAST");
    Cache<String, String> b = declared("b", "FAIL_FAST");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two CacheManagers with a declared cache")
        .isLessThan(CREATED_WITHIN);

    assertThatThrownBy(() -> a.get("k")).isInstanceOf(CacheException.class).hasMessageContaining("L2 redis");
    assertThatThrownBy(() -> a.put("k", "v")).isInstanceOf(CacheException.class).hasMessageContaining("L2 redis");

    server.restart();
    sharedOnceRedisAnswers(a, b);
  }

  @Test
  void serveLocalCachesLoadWhileRedisIsDownThenShare() {
    long start = System.nanoTime();
    Cache<String, String> a = created("a");
    Cache<String, String> b = created("b");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two CacheManagers and a cache each")
        .isLessThan(CREATED_WITHIN);

    assertThat(a.get("k")).as("a miss served by the loader").isEqualTo("loaded k");
    assertThatThrownBy(() -> a.put("k", "v")).isInstanceOf(CacheException.class).hasMessageContaining("L2 redis");
    assertThat(a.unwrap(TieredCache.class).tierStatistics().degradedReads()).isPositive();

    server.restart();
    sharedOnceRedisAnswers(a, b);
  }

  private void sharedOnceRedisAnswers(Cache<String, String> a, Cache<String, String> b) {
    await().atMost(RECOVERS_WITHIN).pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(CacheException.class)
        .untilAsserted(() -> a.put("k", "v1"));
    await().atMost(RECOVERS_WITHIN).ignoreExceptionsInstanceOf(CacheException.class)
        .until(() -> "v1".equals(b.get("k")));
    // the first read after recovery drops every copy, so the copy is kept from the next read on
    assertThat(b.get("k")).isEqualTo("v1");
    long l1Hits = b.unwrap(TieredCache.class).tierStatistics().l1Hits();
    assertThat(b.get("k")).isEqualTo("v1");
    assertThat(b.unwrap(TieredCache.class).tierStatistics().l1Hits()).as("B keeps a copy once tiered")
        .isEqualTo(l1Hits + 1);
    // and B hears of A's writes: its copy is dropped
    a.put("k", "v2");
    await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(b.get("k")));
  }

  private Cache<String, String> declared(String tag, String policy) {
    CacheManager manager = managers.open(managers.separateClient(server, PREFIX, tag, SHORT_TIMEOUTS)
        + "caches:\n"
        + "  users:\n"
        + "    keyType: java.lang.String\n"
        + "    valueType: java.lang.String\n"
        + "    degradation: " + policy + "\n");
    return manager.getCache("users", String.class, String.class);
  }

  private Cache<String, String> created(String tag) {
    CacheManager manager = managers.open(managers.separateClient(server, PREFIX, tag, SHORT_TIMEOUTS));
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setDegradation(DegradationPolicy.SERVE_LOCAL);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(new NamingLoader()));
    return manager.createCache("users", config);
  }
}
