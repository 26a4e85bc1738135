package io.multitier.jcache.tiered;

import io.multitier.jcache.testing.ManagerFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.FakeTicker;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A read that finds an entry only in Redis promotes it into the reader's L1 for what remains of
 * its time to live in Redis, never longer: an entry written with a TTL in manager A and read in
 * manager B (its own Redisson client) after part of the TTL passed is never served by B's L1 once
 * Redis expired it.
 */
final class PromotionTtlTest {

  private static final String PREFIX = "promo:";
  private static final String CACHES = "caches:\n"
      + "  sessions:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    expiry: {created: 3s}\n"
      + "  slow:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: io.multitier.jcache.tiered.SlowValue\n"
      + "    allowedClasses: [\"io.multitier.jcache.tiered.SlowValue\"]\n"
      + "    expiry: {created: 2s}\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private ManagerFiles managers;
  private CacheManager writer;

  @BeforeEach
  void open() {
    redis.server().call("FLUSHALL");
    SlowValue.decodeMillis = 0;
    managers = new ManagerFiles();
    writer = managers.open(ManagerFiles.sharedClient(redis.server(), PREFIX) + CACHES);
  }

  @AfterEach
  void close() {
    SlowValue.decodeMillis = 0;
    managers.close();
  }

  /** B's L1 runs on a fake ticker: its copy lives exactly what Redis had left at the read, measured in B's time. */
  @Test
  void thePromotedCopyLivesWhatRemainedInRedis() {
    FakeTicker ticker = new FakeTicker();
    CacheManager managerB = managers.open(managers.separateClient(redis.server(), PREFIX, "b", "timeout: 3000\n"));
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<String, String>().setTicker(ticker);
    config.setTypes(String.class, String.class);
    config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.SECONDS, 3)));
    Cache<String, String> b = managerB.createCache("sessions", config);
    Cache<String, String> a = writer.getCache("sessions", String.class, String.class);

    a.put("k", "v");
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> pttl("sessions", "k") <= 2_000);
    long before = pttl("sessions", "k");
    long start = System.nanoTime();
    assertThat(b.get("k")).isEqualTo("v");
    long readMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + 1;
    long after = pttl("sessions", "k");

    TierStatistics tiers = tiers(b);
    assertThat(tiers.l2Hits()).as("an L2 hit").isEqualTo(1);
    assertThat(tiers.promotions()).as("promoted into B's L1").isEqualTo(1);
    assertThat(before).isLessThanOrEqualTo(2_000);
    assertThat(after).isPositive().isLessThanOrEqualTo(before);

    // just before what Redis had left when B read: still B's L1 copy
    long almost = after - readMillis - 5;
    ticker.advance(Duration.ofMillis(almost));
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(tiers.l1Hits()).as("answered by B's L1").isEqualTo(1);
    assertThat(tiers.l2Hits()).isEqualTo(1);

    // past it (a copy that had the full 3 s, or l1MaxTtl, would still be there): B reads Redis again
    ticker.advance(Duration.ofMillis(before + 2 - almost));
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(tiers.l1Hits()).as("B's L1 copy expired with what remained in Redis").isEqualTo(1);
    assertThat(tiers.l2Hits()).isEqualTo(2);
    assertThat(tiers.promotions()).isEqualTo(2);
  }

  /** Real time: once Redis has expired the entry, B's L1 copy is gone too. */
  @Test
  void theReaderNeverServesItsCopyAfterRedisExpiredIt() {
    Cache<String, String> a = writer.getCache("sessions", String.class, String.class);
    Cache<String, String> b = reader();

    a.put("k", "v");
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> pttl("sessions", "k") <= 2_000);
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(b.get("k")).isEqualTo("v");
    TierStatistics tiers = tiers(b);
    assertThat(tiers.promotions()).isEqualTo(1);
    assertThat(tiers.l1Hits()).isEqualTo(1);

    awaitExpiredInRedis("sessions", "k");

    assertThat(b.get("k")).isNull();
    assertThat(tiers.l1Hits()).isEqualTo(1);
    assertThat(tiers.misses()).isEqualTo(1);
  }

  /**
   * The time between Redis answering and the copy entering L1 (decoding, a GC pause) comes off the
   * copy's life: a decode that takes 300 ms must not let the copy outlive Redis by 300 ms.
   */
  @Test
  void timeSpentBetweenTheReadAndThePromotionComesOffTheCopysLife() {
    Cache<String, SlowValue> a = writer.getCache("slow", String.class, SlowValue.class);
    Cache<String, SlowValue> b = managers.open(
            managers.separateClient(redis.server(), PREFIX, "b", "timeout: 3000\n") + CACHES)
        .getCache("slow", String.class, SlowValue.class);

    a.put("k", new SlowValue("v"));
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> pttl("slow", "k") <= 1_600);
    SlowValue.decodeMillis = 300;
    try {
      assertThat(b.get("k")).isEqualTo(new SlowValue("v"));
    } finally {
      SlowValue.decodeMillis = 0;
    }
    assertThat(tiers(b).promotions()).isEqualTo(1);

    awaitExpiredInRedis("slow", "k");

    assertThat(b.get("k")).as("B's L1 copy outlived the entry in Redis").isNull();
  }

  private Cache<String, String> reader() {
    return managers.open(managers.separateClient(redis.server(), PREFIX, "b", "timeout: 3000\n") + CACHES)
        .getCache("sessions", String.class, String.class);
  }

  private static void awaitExpiredInRedis(String cache, String key) {
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
        .until(() -> (Long) redis.server().call("EXISTS", redisKey(cache, key)) == 0L);
  }

  private static long pttl(String cache, String key) {
    return (Long) redis.server().call("PTTL", redisKey(cache, key));
  }

  private static String redisKey(String cache, String key) {
    return PREFIX + "{" + cache + "}:s:" + key;
  }

  private static TierStatistics tiers(Cache<?, ?> cache) {
    return cache.unwrap(TieredCache.class).tierStatistics();
  }
}
