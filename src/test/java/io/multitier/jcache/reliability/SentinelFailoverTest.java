package io.multitier.jcache.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisSentinel;
import io.multitier.jcache.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Sentinel failover under two tiered CacheManagers (a writer and a reader, each with its own
 * Redisson client in Sentinel mode): the master is killed while the reader holds an L1 copy; once
 * the sentinel has promoted the replica, the writer's next write succeeds, the reader stops
 * serving its old copy within the staleness bound ({@code reconcileInterval} 1 s + 1 s) of that
 * write, and what was written and replicated before the failover is still there.
 */
final class SentinelFailoverTest {

  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final Duration SLACK = Duration.ofSeconds(1);
  private static final String CACHES = "  reconcileInterval: 1s\n"
      + "caches:\n"
      + "  items:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  private RedisServer master;
  private RedisServer replica;
  private RedisSentinel sentinel;
  private ManagerFiles managers;

  @BeforeEach
  void start() {
    master = RedisServer.start();
    replica = RedisServer.start(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
    await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(replica.call("INFO", "replication"))
        .contains("master_link_status:up"));
    sentinel = RedisSentinel.watching(master.port());
    await().atMost(Duration.ofSeconds(15))
        .until(() -> !((List<?>) sentinel.call("SENTINEL", "replicas", RedisSentinel.MASTER_NAME)).isEmpty());
    managers = new ManagerFiles();
  }

  @AfterEach
  void stop() {
    try {
      managers.close();
    } finally {
      sentinel.close();
      replica.stop();
      master.stop();
    }
  }

  private Cache<String, String> open() {
    CacheManager manager = managers.open(managers.redis("failover:", sentinel.redissonYaml(ManagerFiles.SHORT_TIMEOUTS))
        + CACHES);
    return manager.getCache("items", String.class, String.class);
  }

  @Test
  void afterAFailoverNoOldCopyOutlivesTheBoundAndNothingReplicatedIsLost() {
    Cache<String, String> writer = open();
    Cache<String, String> reader = open();
    writer.put("k", "v1");
    writer.put("kept", "before the failover");
    assertThat(reader.get("k")).isEqualTo("v1");
    assertThat(reader.get("k")).as("an L1 copy now").isEqualTo("v1");
    assertThat(master.call("WAIT", "1", "5000")).as("replicated").isEqualTo(1L);

    long killed = System.nanoTime();
    master.kill();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
      writer.put("k", "v2");
      return true;
    });
    long written = System.nanoTime();
    assertThat(sentinel.masterPort()).as("the replica was promoted").isEqualTo(replica.port());

    long lastOld = written;
    long deadline = written + TimeUnit.SECONDS.toNanos(10);
    String seen = null;
    while (System.nanoTime() < deadline) {
      try {
        seen = reader.get("k");
      } catch (RuntimeException failedRead) {
        seen = null;
      }
      if ("v1".equals(seen)) {
        lastOld = System.nanoTime();
      } else if ("v2".equals(seen)) {
        break;
      }
      sleepQuietly(10);
    }
    System.out.printf("failover: first write %d ms after the kill; old copy last served %d ms after it, new value read %d ms"
        + " after it%n", TimeUnit.NANOSECONDS.toMillis(written - killed), TimeUnit.NANOSECONDS.toMillis(lastOld - written),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
    assertThat(seen).as("the reader reads the new value").isEqualTo("v2");
    assertThat(Duration.ofNanos(lastOld - written)).as("the old copy was served at most this long after the write")
        .isLessThanOrEqualTo(BOUND.plus(SLACK));
    assertThat(open().get("kept")).as("a replicated write survives the failover").isEqualTo("before the failover");
    assertThat(reader.get("kept")).isEqualTo("before the failover");
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
