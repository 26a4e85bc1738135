package io.multitier.jcache.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a CacheManager with a tiered cache says when it cannot reach Redis or is refused by it: a
 * {@link CacheException}, from its creation or (when Redisson connects lazily) from the cache's
 * first call, that names the cache, the CacheManager's file, where Redis was looked for and what
 * to change, and never a password.
 */
final class StartupErrorsTest {

  private static final String PASSWORD = "wrong-s3cret";
  private static final String QUICK = "  timeout: 500ms\n  retryAttempts: 1\n  retryDelay: 100ms\n";
  private static final String CACHES = "caches:\n  users: {keyType: java.lang.String, valueType: java.lang.String}\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void aWrongPasswordNamesTheCacheTheFileAndTheAddressButNotThePassword() {
    RedisServer server = redis.server();
    server.call("ACL", "SETUSER", "app", "on", ">right-s3cret", "~*", "&*", "+@all");
    String address = "redis://app:" + PASSWORD + "@127.0.0.1:" + server.port();
    try (ManagerFiles files = new ManagerFiles()) {
      Path file = files.write("app.yaml", "redis:\n  address: " + address + "\n" + QUICK + CACHES);
      assertThatThrownBy(() -> openAndRead(file))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("cache 'users'")
          .hasMessageContaining("redis://app:***@127.0.0.1:" + server.port())
          .hasMessageContaining("refused the credentials")
          .hasMessageContaining("correct the password (and username) in redis.address in " + file.toUri())
          .hasMessageNotContaining(PASSWORD);

      Path redisson = files.write("redisson.yaml", "singleServerConfig:\n  address: \"redis://127.0.0.1:" + server.port()
          + "\"\n  username: app\n  password: " + PASSWORD + "\n  retryAttempts: 1\n  timeout: 500\n");
      Path withFile = files.write("app-redisson.yaml", "redis:\n  redissonConfig: \"" + redisson.toUri() + "\"\n" + CACHES);
      assertThatThrownBy(() -> openAndRead(withFile))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("cache 'users'")
          .hasMessageContaining("redis://127.0.0.1:" + server.port())
          .hasMessageContaining("the Redisson file " + redisson.toUri() + " (redis.redissonConfig) in " + withFile.toUri())
          .hasMessageNotContaining(PASSWORD);
    } finally {
      server.call("ACL", "DELUSER", "app");
    }
  }

  @Test
  void anUnreachableRedisNamesTheCacheTheFileAndTheAddress() {
    String address = "redis://127.0.0.1:" + RedisServer.freePort();
    try (ManagerFiles files = new ManagerFiles()) {
      Path file = files.write("app.yaml", "redis:\n  address: " + address + "\n" + QUICK + CACHES);
      assertThatThrownBy(() -> openAndRead(file))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("cache 'users'")
          .hasMessageContaining("cannot reach Redis at " + address)
          .hasMessageContaining("Connection refused")
          .hasMessageContaining("check that Redis runs there and that redis.address in " + file.toUri() + " names it");
    }
  }

  @Test
  void aRedisWithoutRedissonOnTheClassPathNamesTheMissingDependency() {
    try (ManagerFiles files = new ManagerFiles()) {
      Path file = files.write("app.yaml", "redis:\n  address: " + redis.server().address() + "\n" + CACHES);
      try (ChildJvm child = ChildJvm.startWithout("/org/redisson/", OpeningMain.class, file.toUri().toString())) {
        String thrown = child.send("open");
        assertThat(thrown)
            .startsWith(CacheException.class.getName())
            .contains("cache 'users'")
            .contains(file.toUri().toString())
            .contains("add the dependency org.redisson:redisson");
      }
    }
  }

  /** Opens the CacheManager of the file and reads through its tiered cache, then closes it. */
  private static void openAndRead(Path file) {
    try (CacheManager manager = Caching.getCachingProvider().getCacheManager(file.toUri(), StartupErrorsTest.class.getClassLoader())) {
      manager.getCache("users").get("42");
    }
  }

  /** Opens the CacheManager of the file its argument names on the command {@code open}, and answers with what it threw. */
  public static final class OpeningMain {

    private OpeningMain() {}

    public static void main(String[] args) throws IOException {
      PrintStream out = new PrintStream(System.out, true, UTF_8);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
      out.println("@ready");
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        try {
          Caching.getCachingProvider().getCacheManager(URI.create(args[0]), OpeningMain.class.getClassLoader());
          out.println("@opened");
        } catch (Throwable e) {
          out.println("@" + e.getClass().getName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
      }
    }
  }
}
