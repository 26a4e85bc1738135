package io.multitier.jcache.tiered;

import io.multitier.jcache.testing.ManagerFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two tiered CacheManagers in one JVM over one Redis, on one shared Redisson client or on two: a
 * write in one drops the other's L1 copy once the invalidation message arrives, and {@code clear()}
 * drops every copy.
 */
final class CoherenceTest {

  private static final Duration INVALIDATION_BOUND = Duration.ofSeconds(1);
  private static final String CACHES = "caches:\n"
      + "  users:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private ManagerFiles managers;
  private Cache<String, String> a;
  private Cache<String, String> b;

  @BeforeEach
  void emptyServer() {
    redis.server().call("FLUSHALL");
    managers = new ManagerFiles();
  }

  @AfterEach
  void closeManagers() {
    managers.close();
  }

  private void open(String clients) {
    String redisA;
    String redisB;
    if (clients.equals("shared")) {
      redisA = ManagerFiles.publishing(ManagerFiles.sharedClient(redis.server(), "coherence:"));
      redisB = redisA;
    } else {
      redisA = ManagerFiles.publishing(ManagerFiles.sharedClient(redis.server(), "coherence:"));
      redisB = ManagerFiles.publishing(managers.separateClient(redis.server(), "coherence:", "b", "timeout: 3000\n"));
    }
    CacheManager managerA = managers.open(redisA + CACHES);
    CacheManager managerB = managers.open(redisB + CACHES);
    a = managerA.getCache("users", String.class, String.class);
    b = managerB.getCache("users", String.class, String.class);
  }

  @ParameterizedTest(name = "{0} Redisson client")
  @ValueSource(strings = {"shared", "separate"})
  void anUpdateInOneManagerDropsTheOthersCopy(String clients) {
    open(clients);
    TierStatistics statsB = tiers(b);
    long initial = statsB.invalidationsReceived();
    a.put("k", "v1");
    // the notice of this first write may arrive after B's read and drop B's fresh copy: let it pass
    await().atMost(INVALIDATION_BOUND).until(() -> statsB.invalidationsReceived() > initial);
    assertThat(b.get("k")).isEqualTo("v1");
    assertThat(b.get("k")).isEqualTo("v1");
    assertThat(statsB.l2Hits()).isEqualTo(1);
    assertThat(statsB.promotions()).isEqualTo(1);
    assertThat(statsB.l1Hits()).as("the second read is answered by B's L1 copy").isEqualTo(1);

    long received = statsB.invalidationsReceived();
    a.put("k", "v2");
    await().atMost(INVALIDATION_BOUND).until(() -> statsB.invalidationsReceived() > received);

    assertThat(b.get("k")).isEqualTo("v2");
    assertThat(statsB.l1Hits()).as("the stale copy was dropped, so the read went to L2").isEqualTo(1);
    assertThat(statsB.l2Hits()).isEqualTo(2);

    long beforeRemove = statsB.invalidationsReceived();
    assertThat(a.remove("k")).isTrue();
    await().atMost(INVALIDATION_BOUND).until(() -> statsB.invalidationsReceived() > beforeRemove);
    assertThat(b.get("k")).isNull();
    assertThat(statsB.misses()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} Redisson client")
  @ValueSource(strings = {"shared", "separate"})
  void writesInEitherDirectionAreSeenAfterTheInvalidation(String clients) {
    open(clients);
    for (int round = 0; round < 20; round++) {
      Cache<String, String> writer = (round % 2 == 0) ? a : b;
      Cache<String, String> reader = (round % 2 == 0) ? b : a;
      String expected = "v" + round;
      reader.get("k");
      reader.get("k");
      writer.put("k", expected);
      await().atMost(INVALIDATION_BOUND).pollInterval(Duration.ofMillis(1))
          .until(() -> expected.equals(reader.get("k")));
      assertThat(writer.get("k")).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0} Redisson client")
  @ValueSource(strings = {"shared", "separate"})
  void clearInOneManagerDropsEveryCopyOfTheOther(String clients) {
    open(clients);
    TierStatistics statsB = tiers(b);
    long initial = statsB.invalidationsReceived();
    for (int i = 0; i < 50; i++) {
      a.put("k" + i, "v" + i);
    }
    await().atMost(INVALIDATION_BOUND).until(() -> statsB.invalidationsReceived() >= initial + 50);
    for (int i = 0; i < 50; i++) {
      assertThat(b.get("k" + i)).isEqualTo("v" + i);
    }
    assertThat(statsB.promotions()).isEqualTo(50);
    for (int i = 0; i < 50; i++) {
      assertThat(b.get("k" + i)).isEqualTo("v" + i);
    }
    assertThat(statsB.l1Hits()).isEqualTo(50);

    long received = statsB.invalidationsReceived();
    a.clear();
    await().atMost(INVALIDATION_BOUND).until(() -> statsB.invalidationsReceived() > received);

    for (int i = 0; i < 50; i++) {
      assertThat(b.get("k" + i)).as("k" + i).isNull();
    }
    assertThat(statsB.l1Hits()).as("no read after clear() was answered by an L1 copy").isEqualTo(50);
    assertThat(statsB.misses()).isEqualTo(50);
    assertThat(a.get("k0")).isNull();
  }

  static TierStatistics tiers(Cache<?, ?> cache) {
    return cache.unwrap(TieredCache.class).tierStatistics();
  }
}
