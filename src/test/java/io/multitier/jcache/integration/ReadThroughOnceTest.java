package io.multitier.jcache.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Threads that miss one key while its load runs share that load. */
final class ReadThroughOnceTest {

  private static final int THREADS = 8;
  private static final AtomicInteger calls = new AtomicInteger();
  private static volatile CountDownLatch release;
  private static volatile boolean fail;

  private final CacheManager manager = Caching.getCachingProvider().getCacheManager();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void destroy() {
    pool.shutdownNow();
    manager.destroyCache("read-through-once");
  }

  @Test
  void concurrentMissesCallTheLoaderOnceAndAllGetItsValue() throws Exception {
    List<Future<Object>> results = missConcurrently(false);
    for (Future<Object> result : results) {
      assertThat(result.get()).isEqualTo("loaded:k");
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void aFailedLoadReachesEveryWaiterAsCacheLoaderException() throws Exception {
    List<Future<Object>> results = missConcurrently(true);
    for (Future<Object> result : results) {
      assertThat(result.get()).isInstanceOf(CacheLoaderException.class);
    }
    assertThat(calls).hasValue(1);
  }

  private List<Future<Object>> missConcurrently(boolean failing) {
    calls.set(0);
    fail = failing;
    release = new CountDownLatch(1);
    Cache<String, String> cache = manager.createCache("read-through-once",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class)
            .setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(BlockingLoader.class)));
    List<Thread> threads = new ArrayList<>();
    List<Future<Object>> results = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      results.add(pool.submit(() -> {
        synchronized (threads) {
          threads.add(Thread.currentThread());
        }
        try {
          return cache.get("k");
        } catch (CacheLoaderException e) {
          return e;
        }
      }));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      synchronized (threads) {
        return threads.size() == THREADS && threads.stream().allMatch(
            t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
      }
    });
    release.countDown();
    return results;
  }

  /** Counts its calls and holds each until the test releases it. */
  public static final class BlockingLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      calls.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fail) {
        throw new IllegalStateException("database down");
      }
      return "loaded:" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }
}
