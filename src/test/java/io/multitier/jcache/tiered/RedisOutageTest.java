package io.multitier.jcache.tiered;

import io.multitier.jcache.testing.ManagerFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.tier.TierStatistics;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A tiered cache when Redis dies or freezes: operations that need Redis fail with a
 * {@link CacheException} within a bounded time (short Redisson timeouts from a Redisson YAML file),
 * the cache recovers by itself once Redis is back, and no L1 copy survives whose invalidation may
 * have been missed.
 */
final class RedisOutageTest {

  /** Redisson settings: 500 ms per attempt, one retry, reconnect quickly. */
  private static final String SHORT_TIMEOUTS = "timeout: 500\n"
      + "connectTimeout: 500\n"
      + "retryAttempts: 1\n"
      + "retryDelay: !<org.redisson.config.EqualJitterDelay> {baseDelay: PT0.1S, maxDelay: PT0.1S}\n"
      + "reconnectionDelay: !<org.redisson.config.EqualJitterDelay> {baseDelay: PT0.1S, maxDelay: PT0.2S}\n"
      + "pingConnectionInterval: 0\n";
  /** Two attempts of 500 ms with 100 ms between, and generous slack for a loaded machine. */
  private static final Duration FAILS_WITHIN = Duration.ofSeconds(4);
  private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(20);
  private static final String PREFIX = "outage:";
  private static final String CACHES = "caches:\n"
      + "  users:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  private RedisServer server;
  private ManagerFiles managers;
  private Cache<String, String> cache;
  private Cache<String, String> other;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    managers = new ManagerFiles();
    cache = managers.open(ManagerFiles.keepingWrites(managers.separateClient(server, PREFIX, "a", SHORT_TIMEOUTS)) + CACHES)
        .getCache("users", String.class, String.class);
    other = managers.open(managers.separateClient(server, PREFIX, "b", SHORT_TIMEOUTS) + CACHES)
        .getCache("users", String.class, String.class);
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
  void aKilledServerFailsOperationsFastAndARestartedEmptyOneLeavesNoStaleCopy() {
    cache.put("k", "v1");
    assertThat(cache.get("k")).isEqualTo("v1");
    TierStatistics tiers = tiers(cache);
    assertThat(tiers.l1Hits()).as("k is held in L1").isEqualTo(1);

    server.kill();

    assertFailsFast(() -> cache.put("k2", "v2"));
    assertFailsFast(() -> cache.get("not-in-l1"));
    assertFailsFast(() -> cache.remove("k3"));
    assertFailsFast(() -> other.get("k"));
    assertThat(cache.unwrap(TieredCache.class).health()).extracting(Health::healthy).containsExactly(true, false);
    assertThat(tiers.l2Errors()).isGreaterThanOrEqualTo(3);

    server.restart();

    // the restarted server is empty: once the cache has recovered, the L1 copy of k must be gone
    await().atMost(RECOVERS_WITHIN).pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(CacheException.class)
        .untilAsserted(() -> {
          assertThat(cache.get("k")).isNull();
          assertThat(cache.unwrap(TieredCache.class).health()).allMatch(Health::healthy);
        });
    cache.put("k", "v3");
    assertThat(cache.get("k")).isEqualTo("v3");
    await().atMost(RECOVERS_WITHIN).ignoreExceptionsInstanceOf(CacheException.class)
        .until(() -> "v3".equals(other.get("k")));

    // and invalidations flow again
    other.put("k", "v4");
    await().atMost(Duration.ofSeconds(1)).until(() -> "v4".equals(cache.get("k")));
  }

  @Test
  void aWriteThatTimedOutButHappenedLeavesNoStaleCopy() {
    cache.put("k", "v1");
    assertThat(cache.get("k")).isEqualTo("v1");

    server.pause();
    try {
      assertFailsFast(() -> cache.put("k", "v2"));
    } finally {
      server.resume();
    }

    // the frozen server still had the command in its socket and runs it once it thaws: the write
    // the caller saw fail did happen, and the other manager heard of it
    await().atMost(RECOVERS_WITHIN).ignoreExceptionsInstanceOf(CacheException.class).until(() -> "v2".equals(other.get("k")));
    assertThat(cache.get("k")).as("the writer's own L1 copy of the value it replaced").isEqualTo("v2");
  }

  private static void assertFailsFast(Executable operation) {
    long start = System.nanoTime();
    assertThatThrownBy(operation::execute).isInstanceOf(CacheException.class).hasMessageContaining("L2 redis");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAILS_WITHIN);
  }

  private static TierStatistics tiers(Cache<?, ?> cache) {
    return cache.unwrap(TieredCache.class).tierStatistics();
  }
}
