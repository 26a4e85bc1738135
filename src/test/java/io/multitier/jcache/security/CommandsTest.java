package io.multitier.jcache.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the provider sends to Redis, from the server's own command statistics: every Cache
 * operation, cache destruction and CacheManager shutdown included, and never KEYS, FLUSHDB or
 * FLUSHALL (it walks a cache's keys with SCAN and deletes them with UNLINK).
 */
final class CommandsTest {

  private static final String CACHES = "caches:\n"
      + "  users:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void neverKeysNorFlush() {
    Map<String, Long> calls = commandsOfAWorkload("  invalidation: publish\n");
    assertThat(calls).containsKeys("evalsha", "scan", "publish", "subscribe");
    assertThat(calls).doesNotContainKeys("keys", "flushdb", "flushall");
  }

  @Test
  void neverKeysNorFlushUnderTracking() {
    Map<String, Long> calls = commandsOfAWorkload("  invalidation: tracking\n");
    assertThat(calls).containsKeys("evalsha", "scan", "client|tracking", "subscribe").doesNotContainKey("publish");
    assertThat(calls).doesNotContainKeys("keys", "flushdb", "flushall");
  }

  /** Runs the workload on two CacheManagers with these {@code redis:} settings and returns the commands Redis counted. */
  private static Map<String, Long> commandsOfAWorkload(String settings) {
    redis.server().call("FLUSHALL");
    redis.server().resetStats();
    try (ManagerFiles managers = new ManagerFiles()) {
      CacheManager managerA = managers.open(managers.single(redis.server().address(), "cmd:", "timeout: 3000\n")
          + settings + CACHES);
      CacheManager managerB = managers.open(managers.single(redis.server().address(), "cmd:", "timeout: 3000\n")
          + settings + CACHES);
      Cache<String, String> a = managerA.getCache("users", String.class, String.class);
      Cache<String, String> b = managerB.getCache("users", String.class, String.class);
      Workload.run(a, b);
      a.put("left", "behind");
      managerA.destroyCache("users");
    }
    Map<String, Long> calls = redis.server().commandStats();
    System.out.println("CommandsTest: commands the provider sent (" + settings.trim() + "): " + calls);
    return calls;
  }
}
