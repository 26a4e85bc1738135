package io.multitier.jcache.tiered;

import io.multitier.jcache.testing.ManagerFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Under a created-expiry policy an update leaves the expiry alone ({@code getExpiryForUpdate} is
 * null): an update through an atomic step ({@code invoke}, {@code replace}) must not move the
 * entry's expiry in Redis, however long the step took, and the writer's own L1 copy must not
 * outlive the entry in Redis either.
 */
final class UpdateKeepsExpiryTest {

  private static final String PREFIX = "upd:";
  private static final String CACHES = "caches:\n"
      + "  created:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    expiry: {created: 2s}\n";
  private static final long SLOW_MILLIS = 300;

  /** Appends to the value, slowly (a processor that does real work, or a GC pause). */
  private static final EntryProcessor<String, String, Void> SLOW_APPEND = (entry, arguments) -> {
    try {
      Thread.sleep(SLOW_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    entry.setValue(entry.getValue() + "+");
    return null;
  };

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private ManagerFiles managers;

  @BeforeEach
  void open() {
    redis.server().call("FLUSHALL");
    managers = new ManagerFiles();
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void slowAtomicUpdatesDoNotPushTheExpiryBack() {
    Cache<String, String> cache = managers.open(ManagerFiles.sharedClient(redis.server(), PREFIX) + CACHES)
        .getCache("created", String.class, String.class);
    cache.put("k", "v");
    long expiresAt = expiryInstantMillis();

    cache.invoke("k", SLOW_APPEND);
    cache.invoke("k", SLOW_APPEND);

    assertThat(cache.get("k")).isEqualTo("v++");
    long movedBy = expiryInstantMillis() - expiresAt;
    assertThat(movedBy).as("ms the expiry in Redis moved (each update took %d ms)", SLOW_MILLIS)
        .isLessThan(50);

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
        .until(() -> (Long) redis.server().call("EXISTS", PREFIX + "{created}:s:k") == 0L);
    assertThat(cache.get("k")).as("the writer's L1 copy outlived the entry in Redis").isNull();
  }

  /** Returns when Redis will expire the key, on this JVM's clock, to within a millisecond or two. */
  private static long expiryInstantMillis() {
    long before = System.nanoTime();
    long pttl = (Long) redis.server().call("PTTL", PREFIX + "{created}:s:k");
    assertThat(pttl).isPositive();
    return TimeUnit.NANOSECONDS.toMillis(before) + pttl;
  }
}
