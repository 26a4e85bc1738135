package io.multitier.jcache.tiered;

import io.multitier.jcache.testing.ManagerFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code invoke} is atomic across CacheManagers on separate Redisson clients (as it would be across
 * JVMs): 8 threads, 4 per manager, each increment exactly once, however the compare-and-set races
 * on Redis go.
 */
final class AtomicInvokeTest {

  private static final int THREADS_PER_MANAGER = 4;
  private static final int INCREMENTS = 250;
  private static final int TOTAL = 2 * THREADS_PER_MANAGER * INCREMENTS;
  private static final String CACHES = "caches:\n"
      + "  counters:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.Integer\n";

  /** Adds one and returns the new value. */
  private static final EntryProcessor<String, Integer, Integer> INCREMENT = (entry, arguments) -> {
    int next = entry.exists() ? entry.getValue() + 1 : 1;
    entry.setValue(next);
    return next;
  };

  /** Only reads the value. */
  private static final EntryProcessor<String, Integer, Integer> READ = (entry, arguments) -> entry.getValue();

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private ManagerFiles managers;
  private ExecutorService threads;

  @BeforeEach
  void emptyServer() {
    redis.server().call("FLUSHALL");
    managers = new ManagerFiles();
    threads = Executors.newFixedThreadPool(2 * THREADS_PER_MANAGER);
  }

  @AfterEach
  void close() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    managers.close();
  }

  @Test
  void concurrentIncrementsFromTwoManagersAreNeverLost() throws Exception {
    Cache<String, Integer> a = managers.open(ManagerFiles.sharedClient(redis.server(), "atomic:") + CACHES)
        .getCache("counters", String.class, Integer.class);
    Cache<String, Integer> b = managers.open(
            managers.separateClient(redis.server(), "atomic:", "b", "timeout: 3000\n") + CACHES)
        .getCache("counters", String.class, Integer.class);
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    List<Integer> duplicates = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (Cache<String, Integer> cache : List.of(a, b)) {
      for (int t = 0; t < THREADS_PER_MANAGER; t++) {
        workers.add(threads.submit(() -> {
          start.await();
          for (int i = 0; i < INCREMENTS; i++) {
            Integer next = cache.invoke("counter", INCREMENT);
            if (!seen.add(next)) {
              synchronized (duplicates) {
                duplicates.add(next);
              }
            }
          }
          return null;
        }));
      }
    }

    start.countDown();
    for (Future<?> worker : workers) {
      worker.get(2, TimeUnit.MINUTES);
    }

    assertThat(duplicates).as("values that two increments both produced").isEmpty();
    assertThat(seen).hasSize(TOTAL).allSatisfy(value -> assertThat(value).isBetween(1, TOTAL));
    assertThat(a.invoke("counter", READ)).isEqualTo(TOTAL);
    assertThat(b.invoke("counter", READ)).isEqualTo(TOTAL);
    await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(a.get("counter")).isEqualTo(TOTAL);
      assertThat(b.get("counter")).isEqualTo(TOTAL);
    });
  }
}
