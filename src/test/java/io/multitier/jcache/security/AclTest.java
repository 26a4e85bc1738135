package io.multitier.jcache.security;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.RecordingListener;

import io.multitier.jcache.testing.CapturedStderr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider as a Redis ACL user whose rights stop at the cache's key prefix: keys {@code ~acl:*},
 * channels {@code &acl:*}, every command but the {@code @dangerous} ones (KEYS, FLUSHDB, FLUSHALL,
 * CONFIG, INFO, …). Every Cache operation works across two CacheManagers; the same user with
 * another key prefix is refused.
 */
final class AclTest {

  private static final String CACHES = "caches:\n"
      + "  users:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";
  private static final String LOGIN = "username: \"app\"\npassword: \"s3cret-app\"\ntimeout: 3000\nretryAttempts: 1\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private ManagerFiles managers;

  @BeforeEach
  void createUser() {
    redis.server().call("FLUSHALL");
    redis.server().call("ACL", "LOG", "RESET");
    redis.server().call("ACL", "SETUSER", "app", "reset", "on", ">s3cret-app", "~acl:*", "&acl:*", "+@all", "-@dangerous");
    managers = new ManagerFiles();
  }

  @AfterEach
  void close() {
    try {
      managers.close();
    } finally {
      redis.server().call("ACL", "DELUSER", "app");
    }
  }

  @Test
  void theUserIsConfinedToItsPrefix() {
    assertThat(redis.server().callAs("app", "s3cret-app", "SET", "acl:{x}:k", "1")).isEqualTo("OK");
    assertThatThrownBy(() -> redis.server().callAs("app", "s3cret-app", "SET", "other:k", "1"))
        .hasMessageContaining("NOPERM");
    assertThatThrownBy(() -> redis.server().callAs("app", "s3cret-app", "KEYS", "*")).hasMessageContaining("NOPERM");
    assertThatThrownBy(() -> redis.server().callAs("app", "s3cret-app", "FLUSHALL")).hasMessageContaining("NOPERM");
    assertThatThrownBy(() -> redis.server().callAs("app", "s3cret-app", "PUBLISH", "other:#invalidations", "x"))
        .hasMessageContaining("NOPERM");
  }

  @Test
  void everyOperationWorksWithinThePrefix() {
    Cache<String, String> a = managers.open(ManagerFiles.publishing(managers.single(redis.server().address(), "acl:", LOGIN)) + CACHES)
        .getCache("users", String.class, String.class);
    Cache<String, String> b = managers.open(ManagerFiles.publishing(managers.single(redis.server().address(), "acl:", LOGIN)) + CACHES)
        .getCache("users", String.class, String.class);

    Workload.run(a, b);

    assertThat(a.unwrap(TieredCache.class).health()).allMatch(Health::healthy);
    assertThat(a.unwrap(TieredCache.class).tierStatistics().l2Errors()).isZero();
    assertThat(redis.server().call("ACL", "LOG")).as("no command of the provider was refused").asList().isEmpty();
  }

  @Test
  void theSameUserUnderAnotherPrefixIsRefused() {
    assertThatThrownBy(() -> {
      Cache<String, String> outside = managers.open(ManagerFiles.publishing(managers.single(redis.server().address(), "other:", LOGIN)) + CACHES)
          .getCache("users", String.class, String.class);
      outside.put("k", "v");
    }).isInstanceOf(CacheException.class).hasMessageContaining("L2 redis");
    assertThat(redis.server().call("DBSIZE")).isEqualTo(0L);
    assertThat(redis.server().call("ACL", "LOG")).as("Redis logged the refusal").asList().isNotEmpty();
  }

  @Test
  void aUserWithoutConfigIsToldOnceWhatToSetAndHearsExpiriesOnceAnOperatorSetsIt() {
    redis.server().call("CONFIG", "SET", "notify-keyspace-events", "");
    redis.server().call("ACL", "SETUSER", "app", "&__keyevent@*__:expired");
    try (CapturedStderr log = CapturedStderr.start()) {
      Cache<String, String> a = managers.open(ManagerFiles.publishing(managers.single(redis.server().address(), "acl:", LOGIN)) + CACHES)
          .getCache("users", String.class, String.class);
      RecordingListener<String, String> heard = new RecordingListener<>();
      a.registerCacheEntryListener(heard.configuration(false));
      a.registerCacheEntryListener(new RecordingListener<String, String>().configuration(true));

      assertThat(log.lines("refused to turn them on")).as("one warning, whatever the listeners").hasSize(1);
      assertThat(log.lines("refused to turn them on").get(0)).contains("notify-keyspace-events").contains("Ex");

      redis.server().call("CONFIG", "SET", "notify-keyspace-events", "Ex");
      a.put("k", "v");
      redis.server().call("PEXPIRE", "acl:{users}:s:k", "1");
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.briefs().contains("EXPIRED k=v (was v)"));
    } finally {
      redis.server().call("CONFIG", "SET", "notify-keyspace-events", "");
    }
  }
}
