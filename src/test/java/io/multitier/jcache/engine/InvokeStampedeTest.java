package io.multitier.jcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ChildJvm;
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
 * With a stampede lease, an {@code invoke(key, e -> e.getValue())} on an absent key of a
 * read-through cache (what Spring's {@code @Cacheable(sync = true)} does) loads once across JVMs,
 * as a read-through {@code get} does: two JVM processes, eight threads each, all at once; the
 * {@link CountingLoader} counts its calls in Redis.
 */
final class InvokeStampedeTest {

  private static final int THREADS = 8;
  private static final Duration CHILD_RUN = Duration.ofSeconds(60);
  private static final String CACHES = "caches:\n"
      + "  guarded:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    readThrough: true\n"
      + "    loader: " + CountingLoader.class.getName() + "\n"
      + "    stampedeLease: 10s\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static TwoNodes nodes;
  private static ChildJvm child;
  private static CacheManager manager;

  @BeforeAll
  static void start() {
    nodes = TwoNodes.start(redis.server(), "invoke-stampede:", CACHES);
    manager = nodes.manager();
    child = nodes.child();
  }

  @AfterAll
  static void stop() {
    nodes.close();
  }

  @BeforeEach
  void empty() {
    redis.server().call("FLUSHALL");
  }

  @Test
  void sixteenInvokesInTwoJvmsLoadOnce() {
    List<String> values = atOnce("invokeAtOnce", "sync");

    assertThat(values).hasSize(2 * THREADS).containsOnly("loaded-sync");
    assertThat(redis.server().call("GET", CountingLoader.counter("sync")))
        .as("loads of an absent key by %d invokes in two JVMs", 2 * THREADS).isEqualTo("1");
  }

  /** A control: read-through {@code get} under the lease loads once already. */
  @Test
  void sixteenGetsInTwoJvmsLoadOnce() {
    List<String> values = atOnce("getAtOnce", "plain");

    assertThat(values).hasSize(2 * THREADS).containsOnly("loaded-plain");
    assertThat(redis.server().call("GET", CountingLoader.counter("plain")))
        .as("loads of an absent key by %d gets in two JVMs", 2 * THREADS).isEqualTo("1");
  }

  private List<String> atOnce(String command, String key) {
    Cache<String, String> cache = manager.getCache("guarded", String.class, String.class);
    String barrier = "barrier:" + key;
    CompletableFuture<String> there = CompletableFuture.supplyAsync(
        () -> child.send(command + " guarded " + key + " " + THREADS + " " + barrier, CHILD_RUN));
    List<String> values = new ArrayList<>(command.equals("invokeAtOnce")
        ? Workloads.invokeAtOnce(cache, key, THREADS, barrier)
        : Workloads.getAtOnce(cache, key, THREADS, barrier));
    values.addAll(List.of(there.join().split(",")));
    return values;
  }
}
