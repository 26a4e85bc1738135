package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Another client writes 500 times a second while this cache holds copies and reconciles every
 * second: nothing was lost, so no copy is dropped for a lost notice. (A count read while notices
 * kept coming was once taken for a count that went back: two flushes in four seconds.)
 */
final class SteadyWritesTest {

  private static final int KEYS = 500;
  private static final int WRITES = 2_000;
  private static final String CACHES = "caches:\n"
      + "  users:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void noCopyIsDroppedWhenNoNoticeIsLost() {
    try (ManagerFiles managers = new ManagerFiles()) {
      String settings = "  reconcileInterval: 1s\n";
      Cache<String, String> reader = managers.open(ManagerFiles.publishing(managers.separateClient(redis.server(), "steady:", "reader", ""))
          .replace("redis:\n", "redis:\n" + settings) + CACHES).getCache("users", String.class, String.class);
      Cache<String, String> writer = managers.open(ManagerFiles.publishing(managers.separateClient(redis.server(), "steady:", "writer", ""))
          + CACHES).getCache("users", String.class, String.class);
      for (int i = 0; i < KEYS; i++) {
        writer.put("k" + i, "v");
        reader.get("k" + i);
      }
      TierStatistics heard = reader.unwrap(TieredCache.class).tierStatistics();
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.invalidationsReceived() >= KEYS);
      long before = heard.invalidationsReceived();
      long next = System.nanoTime();
      for (int i = 0; i < WRITES; i++) {
        writer.put("k" + (i % KEYS), "v" + i);
        next += 2_000_000;
        LockSupport.parkNanos(next - System.nanoTime());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.invalidationsReceived() - before >= WRITES);
      LockSupport.parkNanos(Duration.ofMillis(2_500).toNanos());
      assertThat(heard.l1Flushes()).as("copies dropped for a lost notice").isZero();
      assertThat(heard.invalidationsReceived() - before).isEqualTo(WRITES);
    }
  }
}
