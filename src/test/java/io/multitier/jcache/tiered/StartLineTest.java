package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.CapturedStderr;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.util.List;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One INFO line at CacheManager start says what is in effect: the file, the tiered caches, Redis, the policies. */
final class StartLineTest {

  private static final String PASSWORD = "start-s3cret";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void aCacheManagerSaysAtStartWhatIsInEffectWithoutThePassword() {
    redis.server().call("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "~*", "&*", "+@all");
    String address = "redis://app:" + PASSWORD + "@127.0.0.1:" + redis.server().port();
    try (ManagerFiles files = new ManagerFiles(); CapturedStderr log = CapturedStderr.start()) {
      CacheManager manager = files.open("redis:\n  address: " + address + "\n  keyPrefix: \"start:\"\n"
          + "defaults:\n  l1MaxTtl: 2m\n"
          + "caches:\n"
          + "  users: {}\n"
          + "  prices: {degradation: SERVE_LOCAL, l1MaxTtl: 0s}\n"
          + "  sessions: {tiered: false}\n");
      List<String> lines = log.lines("INFO io.multitier.jcache");
      assertThat(lines).as("INFO lines of the provider").singleElement().asString()
          .contains("CacheManager " + manager.getURI())
          .contains("Redis at redis://app:***@127.0.0.1:" + redis.server().port())
          .contains("key prefix 'start:'")
          .contains("tiered caches: users (FAIL_FAST, l1MaxTtl 2m), prices (SERVE_LOCAL, l1MaxTtl 0s)")
          .contains("L1-only: sessions")
          .doesNotContain(PASSWORD);
    } finally {
      redis.server().call("ACL", "DELUSER", "app");
    }
  }

  @Test
  void aCacheManagerWithoutRedisSaysSo() {
    try (ManagerFiles files = new ManagerFiles(); CapturedStderr log = CapturedStderr.start()) {
      CacheManager manager = files.open("caches:\n  users: {}\n");
      assertThat(log.lines("INFO io.multitier.jcache")).singleElement().asString()
          .contains("CacheManager " + manager.getURI())
          .contains("no Redis")
          .contains("L1-only: users");
    }
  }
}
