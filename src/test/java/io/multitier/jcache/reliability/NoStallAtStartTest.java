package io.multitier.jcache.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.testing.BlackHole;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the configuration README shows ({@code redis.address} only), a CacheManager with three
 * declared caches is created in well under a second whatever Redis does (stopped, refusing the
 * password, dropping packets), and the first operation fails within the documented bound.
 */
final class NoStallAtStartTest {

  private static final Duration CREATED_WITHIN = Duration.ofSeconds(1);
  /** docs/operations.md: with the defaults a command to an unreachable Redis fails within about 550 ms; more for a loaded machine. */
  private static final Duration FAILS_WITHIN = Duration.ofMillis(900);
  private static final List<String> CACHES = List.of("users", "orders", "prices");

  private static RedisServer guarded;

  /** Loads Redisson's classes and starts its threads once, so that the timings below are the provider's own. */
  @BeforeAll
  static void warmUp() {
    guarded = RedisServer.start();
    guarded.call("ACL", "SETUSER", "app", "on", ">right-s3cret", "~*", "&*", "+@all");
    try (RedisServer live = RedisServer.start(); ManagerFiles files = new ManagerFiles()) {
      Cache<String, String> cache = open(files, live.address()).getCache(CACHES.get(0), String.class, String.class);
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
    }
  }

  @AfterAll
  static void stopGuarded() {
    guarded.stop();
  }

  @Test
  void aStoppedRedis() {
    startsAtOnceAndFailsQuickly("redis://127.0.0.1:" + RedisServer.freePort());
  }

  @Test
  void aRefusedPassword() {
    startsAtOnceAndFailsQuickly("redis://app:wrong-s3cret@127.0.0.1:" + guarded.port());
  }

  @Test
  void anAddressThatDropsPackets() {
    try (BlackHole hole = BlackHole.open()) {
      startsAtOnceAndFailsQuickly(hole.address());
    }
  }

  private static void startsAtOnceAndFailsQuickly(String address) {
    try (ManagerFiles files = new ManagerFiles()) {
      long start = System.nanoTime();
      CacheManager manager = open(files, address);
      for (String name : CACHES) {
        assertThat(manager.getCache(name, String.class, String.class)).isNotNull();
      }
      Duration created = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf("%s: CacheManager with %d caches created in %d ms%n", address, CACHES.size(), created.toMillis());

      Cache<String, String> cache = manager.getCache(CACHES.get(1), String.class, String.class);
      long asked = System.nanoTime();
      assertThatThrownBy(() -> cache.put("k", "v")).isInstanceOf(CacheException.class);
      Duration failed = Duration.ofNanos(System.nanoTime() - asked);
      System.out.printf("%s: first put failed after %d ms%n", address, failed.toMillis());

      assertThat(created).as("CacheManager and three declared caches created").isLessThan(CREATED_WITHIN);
      assertThat(failed).as("first put failed").isLessThan(FAILS_WITHIN);
    }
  }

  private static CacheManager open(ManagerFiles files, String address) {
    StringBuilder yaml = new StringBuilder("redis:\n  address: " + address + "\ncaches:\n");
    CACHES.forEach(name -> yaml.append("  ").append(name)
        .append(": {keyType: java.lang.String, valueType: java.lang.String}\n"));
    return files.open(yaml.toString());
  }
}
