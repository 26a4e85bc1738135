package io.multitier.jcache.tiered;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two JVM processes share one Redis: this one and a {@link CacheNode} child driven over its
 * stdin/stdout. A put in one is read by the other; an update or remove in one is never read stale
 * from the other's L1 later than the invalidation message's delivery (asserted within 1 s, and
 * measured); an expiry set in one holds in the other.
 */
final class TwoJvmTest {

  private static final Duration INVALIDATION_BOUND = Duration.ofSeconds(1);
  private static final String PREFIX = "jvms:";
  private static final String CACHES = "caches:\n"
      + "  shared:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "  expiring:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    expiry: {created: 2s}\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static ManagerFiles managers;
  private static ChildJvm child;
  private static Cache<String, String> shared;
  private static Cache<String, String> expiring;

  @BeforeAll
  static void start() {
    redis.server().call("FLUSHALL");
    managers = new ManagerFiles();
    String yaml = ManagerFiles.publishing(ManagerFiles.sharedClient(redis.server(), PREFIX)) + CACHES;
    try {
      CacheManager manager = managers.open(yaml);
      shared = manager.getCache("shared", String.class, String.class);
      expiring = manager.getCache("expiring", String.class, String.class);
      child = ChildJvm.start(managers.write("child.yaml", yaml).toUri());
    } catch (RuntimeException | Error e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (child != null) {
        child.close();
        child = null;
      }
    } finally {
      if (managers != null) {
        managers.close();
        managers = null;
      }
    }
  }

  @Test
  void aPutInOneJvmIsReadInTheOther() {
    shared.put("p1", "from-parent");
    assertThat(child.get("shared", "p1")).isEqualTo("from-parent");

    child.put("shared", "p2", "from-child");
    assertThat(shared.get("p2")).isEqualTo("from-child");

    assertThat(child.get("shared", "absent")).isNull();
    assertThat(child.stat("shared", "l2.hits")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anUpdateOrRemoveIsNeverReadStaleAfterTheInvalidation() {
    TierStatistics parent = shared.unwrap(TieredCache.class).tierStatistics();
    List<Long> toChild = new ArrayList<>();
    List<Long> toParent = new ArrayList<>();
    long childHeard = child.stat("shared", "invalidations.received");
    shared.put("u", "v0");
    // the notice of a write may reach a reader after it promoted the new value, and drop that
    // fresh copy: let it arrive before counting the reader's L1 hits
    awaitChildHeard("shared", childHeard);

    for (int round = 1; round <= 20; round++) {
      String value = "v" + round;
      if (round % 2 == 1) {
        // the child holds an L1 copy; the parent writes
        child.get("shared", "u");
        long l1Hits = child.stat("shared", "l1.hits");
        assertThat(child.get("shared", "u")).isNotNull();
        assertThat(child.stat("shared", "l1.hits")).as("the child read its L1 copy").isEqualTo(l1Hits + 1);
        shared.put("u", value);
        toChild.add(awaitSeen(() -> child.get("shared", "u"), value));
        assertThat(child.get("shared", "u")).isEqualTo(value);
      } else {
        // the parent holds an L1 copy; the child writes
        shared.get("u");
        long l1Hits = parent.l1Hits();
        assertThat(shared.get("u")).isNotNull();
        assertThat(parent.l1Hits()).as("the parent read its L1 copy").isEqualTo(l1Hits + 1);
        child.put("shared", "u", value);
        toParent.add(awaitSeen(() -> shared.get("u"), value));
        assertThat(shared.get("u")).isEqualTo(value);
      }
    }

    child.get("shared", "u");
    child.get("shared", "u");
    assertThat(shared.remove("u")).isTrue();
    toChild.add(awaitSeen(() -> child.get("shared", "u"), null));
    shared.put("u", "again");
    await().atMost(INVALIDATION_BOUND).until(() -> "again".equals(child.get("shared", "u")));
    shared.get("u");
    shared.get("u");
    assertThat(child.remove("shared", "u")).isTrue();
    toParent.add(awaitSeen(() -> shared.get("u"), null));

    assertThat(child.stat("shared", "invalidations.received")).isGreaterThanOrEqualTo(11);
    assertThat(parent.invalidationsReceived()).isGreaterThanOrEqualTo(11);
    System.out.printf("Invalidation latency, write returned -> other JVM reads the new value:%n"
        + "  parent -> child (includes one stdin/stdout round trip): max %d us, median %d us%n"
        + "  child -> parent: max %d us, median %d us%n",
        Collections.max(toChild), median(toChild), Collections.max(toParent), median(toParent));
  }

  @Test
  void anExpirySetInOneJvmHoldsInTheOther() {
    TierStatistics parent = expiring.unwrap(TieredCache.class).tierStatistics();
    long parentHeard = parent.invalidationsReceived();
    child.put("expiring", "e1", "x");
    await().atMost(INVALIDATION_BOUND).until(() -> parent.invalidationsReceived() > parentHeard);
    long pttl = (Long) redis.server().call("PTTL", PREFIX + "{expiring}:s:e1");
    assertThat(pttl).isBetween(1L, 2_000L);
    assertThat(expiring.get("e1")).isEqualTo("x");
    assertThat(expiring.get("e1")).isEqualTo("x");
    assertThat(parent.promotions()).isEqualTo(1);
    assertThat(parent.l1Hits()).as("the parent holds an L1 copy").isEqualTo(1);

    long childHeard = child.stat("expiring", "invalidations.received");
    expiring.put("e2", "y");
    awaitChildHeard("expiring", childHeard);
    assertThat(child.get("expiring", "e2")).isEqualTo("y");
    assertThat(child.get("expiring", "e2")).isEqualTo("y");
    assertThat(child.stat("expiring", "l1.hits")).as("the child holds an L1 copy").isEqualTo(1);

    awaitExpiredInRedis("e1");
    assertThat(expiring.get("e1")).as("the parent's copy of what the child wrote").isNull();
    assertThat(child.get("expiring", "e1")).as("the child's own copy").isNull();
    awaitExpiredInRedis("e2");
    assertThat(child.get("expiring", "e2")).as("the child's copy of what the parent wrote").isNull();
    assertThat(expiring.get("e2")).as("the parent's own copy").isNull();
    assertThat(parent.l1Hits()).isEqualTo(1);
  }

  /** Waits until the reader returns the value and returns how long that took after the write returned, in µs. */
  private static long awaitSeen(java.util.concurrent.Callable<String> reader, String value) {
    long written = System.nanoTime();
    await().atMost(INVALIDATION_BOUND).pollInterval(Duration.ofMillis(1)).pollDelay(Duration.ZERO)
        .until(() -> java.util.Objects.equals(reader.call(), value));
    return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - written);
  }

  private static void awaitChildHeard(String cache, long before) {
    await().atMost(INVALIDATION_BOUND).pollInterval(Duration.ofMillis(1))
        .until(() -> child.stat(cache, "invalidations.received") > before);
  }

  private static void awaitExpiredInRedis(String key) {
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
        .until(() -> (Long) redis.server().call("EXISTS", PREFIX + "{expiring}:s:" + key) == 0L);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
