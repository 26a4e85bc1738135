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
    redis.server().call("FLUSHALL");
    redis.server().resetStats();
    try (ManagerFiles managers = new ManagerFiles()) {
      CacheManager managerA = managers.open(managers.single(redis.server().address(), "cmd:", "timeout: 3000\n") + CACHES);
      CacheManager managerB = managers.open(managers.single(redis.server().address(), "cmd:", "timeout: 3000\n") + CACHES);
      Cache<String, String> a = managerA.getCache("users", String.class, String.class);
      Cache<String, String> b = managerB.getCache("users", String.class, String.class);
      Workload.run(a, b);
      a.put("left", "behind");
      managerA.destroyCache("users");
    }

    Map<String, Long> calls = redis.server().commandStats();
    System.out.println("CommandsTest: commands the provider sent: " + calls);
    assertThat(calls).containsKeys("evalsha", "scan", "publish", "subscribe");
    assertThat(calls).doesNotContainKeys("keys", "flushdb", "flushall");
  }
}
