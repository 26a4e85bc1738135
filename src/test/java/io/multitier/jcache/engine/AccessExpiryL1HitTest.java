package io.multitier.jcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.FakeTicker;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.util.Map;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An L1 hit of a tiered cache costs no Redis command under every standard expiry policy, the
 * access-based ones (accessed, touched) included: 10,000 reads of a key this node holds, on a
 * ticker that does not move, leave {@code INFO commandstats} empty (no {@code evalsha}, no
 * {@code publish}, nothing), and all count as L1 hits. Created, modified and eternal are controls.
 */
final class AccessExpiryL1HitTest {

  private static final int READS = 10_000;
  /** A Redisson client of its own that sends no keep-alive PINGs, so that Redis counts only what the cache sends. */
  private static final String QUIET = "pingConnectionInterval: 0\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private ManagerFiles managers;

  static Stream<Arguments> policies() {
    Duration tenMinutes = new Duration(java.util.concurrent.TimeUnit.MINUTES, 10);
    return Stream.of(
        Arguments.of("accessed", AccessedExpiryPolicy.factoryOf(tenMinutes)),
        Arguments.of("touched", TouchedExpiryPolicy.factoryOf(tenMinutes)),
        Arguments.of("created", CreatedExpiryPolicy.factoryOf(tenMinutes)),
        Arguments.of("modified", ModifiedExpiryPolicy.factoryOf(tenMinutes)),
        Arguments.of("eternal", EternalExpiryPolicy.factoryOf()));
  }

  @BeforeEach
  void emptyServer() {
    server.call("FLUSHALL");
    managers = new ManagerFiles();
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void l1HitsSendNoCommandToRedis(String name, Factory<? extends ExpiryPolicy> policy) {
    CacheManager manager = managers.open(managers.separateClient(server, "l1hit:", name, QUIET));
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setExpiryPolicyFactory(policy);
    config.setTicker(new FakeTicker());
    Cache<String, String> cache = manager.createCache("hot-" + name, config);
    var tiers = cache.unwrap(TieredCache.class).tierStatistics();

    cache.put("k", "v");
    assertThat(cache.get("k")).isEqualTo("v");
    assertThat(cache.get("absent")).isNull();
    long l1Hits = tiers.l1Hits();
    long l2Hits = tiers.l2Hits();
    long misses = tiers.misses();
    server.resetStats();

    for (int i = 0; i < READS; i++) {
      assertThat(cache.get("k")).isEqualTo("v");
    }

    Map<String, Long> commands = server.commandStats();
    assertThat(commands).as("commands Redis ran during %,d L1 hits under %s expiry", READS, name).isEmpty();
    assertThat(tiers.l1Hits() - l1Hits).as("L1 hits").isEqualTo(READS);
    assertThat(tiers.l2Hits() - l2Hits).as("L2 hits").isZero();
    assertThat(tiers.misses() - misses).as("misses").isZero();
  }
}
