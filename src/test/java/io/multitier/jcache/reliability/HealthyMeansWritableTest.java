package io.multitier.jcache.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * After Redis restarts, a cache whose {@code health()} reports the shared tier healthy takes writes
 * at once; while it is down, the failure says so, without Redisson's advice about its own threads.
 */
final class HealthyMeansWritableTest {

  private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(20);

  private RedisServer server;
  private ManagerFiles managers;
  private Cache<String, String> cache;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    managers = new ManagerFiles();
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    cache = managers.open(managers.separateClient(server, "healthy:", "a", ManagerFiles.SHORT_TIMEOUTS))
        .createCache("users", config);
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
  void aKilledServerIsExplainedWithoutAdviceThatDoesNotApply() {
    cache.put("k", "v");
    server.kill();

    assertThatThrownBy(() -> cache.put("k", "w")).isInstanceOf(CacheException.class)
        .hasMessageContaining("cache 'users'").hasMessageContaining("cannot reach Redis at redis://127.0.0.1:")
        .hasMessageNotContaining("nettyThreads").hasMessageNotContaining("Check CPU usage");
  }

  @RepeatedTest(3)
  void theFirstWriteAfterAHealthyReportSucceeds() {
    for (int i = 0; i < 20; i++) {
      cache.put("k" + i, "v");
    }

    server.restart();
    await().atMost(RECOVERS_WITHIN).pollInterval(Duration.ofMillis(10))
        .until(() -> cache.unwrap(TieredCache.class).health().stream().allMatch(Health::healthy));

    for (int i = 0; i < 20; i++) {
      cache.put("k" + i, "after");
    }
    assertThat(cache.get("k19")).isEqualTo("after");
  }
}
