package io.multitier.jcache.tiered;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A JVM that uses a tiered cache and never closes it ends when its {@code main} returns, as with Ehcache or Caffeine's jcache. */
final class JvmExitTest {

  private static final Duration EXIT_BOUND = Duration.ofSeconds(5);

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void aJvmWithATieredCacheAndNoCloseExitsWhenMainReturns() {
    try (ManagerFiles files = new ManagerFiles()) {
      URI config = files.write("exit.yaml", "redis:\n  address: " + redis.server().address() + "\n"
          + "caches:\n  users: {keyType: java.lang.String, valueType: java.lang.String}\n").toUri();
      try (ChildJvm child = ChildJvm.start(ReturningMain.class, config.toString())) {
        Duration exited = child.awaitExit(EXIT_BOUND);
        System.out.println("JvmExitTest: the child JVM ended " + exited + " after main returned");
        assertThat(exited).as("the child JVM still runs %s after main returned; its stderr:%n%s",
            EXIT_BOUND, child.stderr()).isNotNull();
      }
      assertThat((List<?>) redis.server().call("KEYS", "*{users}:s:42"))
          .as("the child's cache was tiered: its entry is in Redis").hasSize(1);
    }
  }

  /** Opens a tiered cache, writes and reads it through Redis, and returns from {@code main} without closing anything. */
  public static final class ReturningMain {

    private ReturningMain() {}

    public static void main(String[] args) {
      PrintStream out = new PrintStream(System.out, true, UTF_8);
      CacheManager manager = Caching.getCachingProvider()
          .getCacheManager(URI.create(args[0]), ReturningMain.class.getClassLoader());
      Cache<String, String> users = manager.getCache("users", String.class, String.class);
      users.put("42", "Ada");
      if (!"Ada".equals(users.get("42"))) {
        throw new IllegalStateException("the tiered cache did not read back what was put");
      }
      out.println("@ready");
    }
  }
}
