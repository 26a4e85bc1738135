package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two JVM processes, eight threads each, all miss one key at once: with a stampede lease the
 * loader runs once in all (counted in Redis), and every caller gets the loaded value; without it,
 * at most once per JVM. A lease whose holder never delivers runs out, and a waiter loads.
 */
final class StampedeTest {

  private static final int THREADS = 8;
  private static final String CACHES = "caches:\n"
      + "  guarded:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    readThrough: true\n"
      + "    loader: " + CountingSlowLoader.class.getName() + "\n"
      + "    stampedeLease: 10s\n"
      + "  unguarded:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    readThrough: true\n"
      + "    loader: " + CountingSlowLoader.class.getName() + "\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static ManagerFiles managers;
  private static ChildJvm child;
  private static CacheManager manager;

  @BeforeAll
  static void start() {
    managers = new ManagerFiles();
    String yaml = ManagerFiles.sharedClient(redis.server(), "stampede:") + CACHES;
    try {
      manager = managers.open(yaml);
      child = ChildJvm.start(managers.write("child.yaml", yaml).toUri());
    } catch (RuntimeException | Error e) {
      stop();
      throw e;
    }
    System.setProperty(CountingSlowLoader.PORT, Integer.toString(redis.server().port()));
  }

  @AfterAll
  static void stop() {
    try {
      if (child != null) {
        child.close();
      }
    } finally {
      if (managers != null) {
        managers.close();
      }
      System.clearProperty(CountingSlowLoader.PORT);
    }
  }

  @BeforeEach
  void empty() {
    redis.server().call("FLUSHALL");
  }

  @Test
  void withALeaseSixteenCallersInTwoJvmsLoadOnce() {
    List<String> values = missEverywhere("guarded", "hot");
    assertThat(values).hasSize(2 * THREADS).containsOnly("loaded-hot");
    assertThat(redis.server().call("GET", "loads:hot")).isEqualTo("1");
  }

  @Test
  void aLeaseWhoseHolderNeverDeliversRunsOutAndTheWaiterLoads() {
    redis.server().call("SET", "stampede:{guarded}#lease:s:stuck", "a-crashed-jvm", "PX", "1000");
    long start = System.nanoTime();
    String value = manager.getCache("guarded", String.class, String.class).get("stuck");
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    assertThat(value).isEqualTo("loaded-stuck");
    assertThat(redis.server().call("GET", "loads:stuck")).isEqualTo("1");
    assertThat(waited).as("it waited for the lease to run out").isGreaterThan(Duration.ofMillis(800));
    assertThat(redis.server().call("EXISTS", "stampede:{guarded}#lease:s:stuck")).isEqualTo(0L);
  }

  @Test
  void withoutALeaseEveryCallerStillGetsTheValue() {
    List<String> values = missEverywhere("unguarded", "warm");
    assertThat(values).hasSize(2 * THREADS).containsOnly("loaded-warm");
    assertThat(Long.parseLong((String) redis.server().call("GET", "loads:warm")))
        .as("once per JVM at most").isBetween(1L, 2L);
  }

  private List<String> missEverywhere(String cacheName, String key) {
    Cache<String, String> cache = manager.getCache(cacheName, String.class, String.class);
    CompletableFuture<List<String>> there = CompletableFuture.supplyAsync(
        () -> child.getAtOnce(cacheName, key, THREADS, redis.server().port()));
    List<String> values = new ArrayList<>(CacheNode.getAtOnce(cache, key, THREADS));
    values.addAll(there.join());
    return values;
  }
}
