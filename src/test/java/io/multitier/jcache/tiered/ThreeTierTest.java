package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.time.Duration;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * L1, Redis, and a third tier from the test sources ({@link MapTier}, written only against the
 * public SPI): writes reach all three, the third keeping entries eight times as long; a hit there
 * is promoted into Redis and L1 with what it still lives there; each promotion policy does what it
 * says.
 */
final class ThreeTierTest {

  private static final String PREFIX = "three:";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private ManagerFiles managers;

  @BeforeEach
  void empty() {
    redis.server().call("FLUSHALL");
    MapTier.reset();
    managers = new ManagerFiles();
  }

  @AfterEach
  void close() {
    managers.close();
  }

  private String config(String promotion) {
    return config(promotion, MapTier.class.getName());
  }

  private String config(String promotion, String backend) {
    return ManagerFiles.sharedClient(redis.server(), PREFIX)
        + "caches:\n"
        + "  reports:\n"
        + "    keyType: java.lang.String\n"
        + "    valueType: java.lang.String\n"
        + "    expiry:\n"
        + "      created: 10s\n"
        + "    tiers:\n"
        + "      - backend: " + backend + "\n"
        + "        ttlScale: 8\n"
        + "        promotion: \"" + promotion + "\"\n";
  }

  private Cache<String, String> cache(String promotion) {
    return managers.open(config(promotion)).getCache("reports", String.class, String.class);
  }

  private long pttl(String key) {
    return (Long) redis.server().call("PTTL", PREFIX + "{reports}:s:" + key);
  }

  private void expireInRedis(String key) {
    redis.server().call("DEL", PREFIX + "{reports}:s:" + key);
  }

  @Test
  void aHitInTheThirdTierIsPromotedWithItsRemainingTimeToLive() {
    cache("always").put("q4", "report");
    assertThat(pttl("q4")).isBetween(9_000L, 10_000L);
    assertThat(MapTier.remaining("reports", "s:q4")).isEqualTo(Duration.ofSeconds(80));

    expireInRedis("q4");
    MapTier.clock.advance(Duration.ofSeconds(30));
    Cache<String, String> other = cache("always");
    assertThat(other.get("q4")).isEqualTo("report");

    TierStatistics tiers = other.unwrap(TieredCache.class).tierStatistics();
    assertThat(tiers.lowerHits()).isEqualTo(1);
    assertThat(tiers.promotions()).isEqualTo(1);
    assertThat(pttl("q4")).as("Redis holds it for what it still lives in L3, not 10 s, not 80 s")
        .isBetween(45_000L, 50_000L);
    assertThat(other.get("q4")).isEqualTo("report");
    assertThat(tiers.l1Hits()).as("and so does L1").isEqualTo(1);
  }

  @Test
  void removalsAndUpdatesReachTheThirdTier() {
    Cache<String, String> cache = cache("always");
    cache.put("k", "v1");
    cache.put("k", "v2");
    expireInRedis("k");
    assertThat(cache("always").get("k")).isEqualTo("v2");
    cache.remove("k");
    assertThat(MapTier.remaining("reports", "s:k")).isNull();
    assertThat(cache("always").get("k")).isNull();
  }

  @Test
  void anAtomicStepSeesAnEntryOnlyTheThirdTierHolds() {
    cache("always").put("k", "kept");
    expireInRedis("k");
    Cache<String, String> other = cache("always");
    assertThat(other.putIfAbsent("k", "overwritten")).isFalse();
    assertThat(other.get("k")).isEqualTo("kept");
  }

  @Test
  void sampledPromotionPromotesEveryNthHit() {
    cache("sample:3").put("k", "v");
    expireInRedis("k");
    Cache<String, String> other = cache("sample:3");
    for (int hit = 1; hit <= 2; hit++) {
      assertThat(other.get("k")).isEqualTo("v");
      assertThat(redis.server().call("EXISTS", PREFIX + "{reports}:s:k")).as("hit " + hit).isEqualTo(0L);
    }
    assertThat(other.get("k")).isEqualTo("v");
    assertThat(redis.server().call("EXISTS", PREFIX + "{reports}:s:k")).as("hit 3").isEqualTo(1L);
    TierStatistics tiers = other.unwrap(TieredCache.class).tierStatistics();
    assertThat(tiers.lowerHits()).isEqualTo(3);
    assertThat(tiers.promotions()).isEqualTo(1);
  }

  @Test
  void promotionAfterKHitsCountsEachKeyOnItsOwn() {
    Cache<String, String> writer = cache("hits:2");
    writer.put("a", "1");
    writer.put("b", "2");
    expireInRedis("a");
    expireInRedis("b");
    Cache<String, String> other = cache("hits:2");
    assertThat(other.get("a")).isEqualTo("1");
    assertThat(other.get("b")).isEqualTo("2");
    assertThat(redis.server().call("EXISTS", PREFIX + "{reports}:s:a")).isEqualTo(0L);
    assertThat(other.get("a")).isEqualTo("1");
    assertThat(redis.server().call("EXISTS", PREFIX + "{reports}:s:a")).isEqualTo(1L);
    assertThat(redis.server().call("EXISTS", PREFIX + "{reports}:s:b")).isEqualTo(0L);
  }

  @Test
  void aTierCanBeNamedByItsServiceLoaderFactory() {
    Cache<String, String> cache = managers.open(config("always", "map")).getCache("reports", String.class, String.class);
    cache.put("k", "v");
    assertThat(MapTier.remaining("reports", "s:k")).isEqualTo(Duration.ofSeconds(80));
  }

  @Test
  void theThirdTierReportsItsHealth() {
    assertThat(cache("always").unwrap(TieredCache.class).health())
        .extracting(health -> health.tier()).containsExactly("L1", "L2 redis", "L3 map");
  }
}
