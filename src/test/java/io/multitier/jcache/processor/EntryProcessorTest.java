package io.multitier.jcache.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.copy.SerializationException;
import io.multitier.jcache.testing.RecordingListener;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Entry processors: atomic under contention, and invokeAll reports each key's outcome on its own. */
final class EntryProcessorTest {

  private static final EntryProcessor<String, Integer, Integer> INCREMENT = (entry, args) -> {
    int next = entry.exists() ? entry.getValue() + 1 : 1;
    entry.setValue(next);
    return next;
  };

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    CachingProvider provider = Caching.getCachingProvider();
    manager = provider.getCacheManager(URI.create("entry-processor-test"),
        provider.getDefaultClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private <V> Cache<String, V> cache(String name, Class<V> valueType, boolean byValue) {
    return manager.createCache(name, new MutableConfiguration<String, V>()
        .setTypes(String.class, valueType).setStoreByValue(byValue));
  }

  @Test
  void fourThreadsOfAThousandIncrementsThroughInvokeEndAtExactlyFourThousand() throws Exception {
    for (boolean byValue : new boolean[] {true, false}) {
      Cache<String, Integer> cache = cache("contended-" + byValue, Integer.class, byValue);
      int threads = 4;
      int increments = 1_000;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < increments; i++) {
              cache.invoke("counter", INCREMENT);
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> future : done) {
          future.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(cache.get("counter")).as("store by value: %s", byValue).isEqualTo(threads * increments);
    }
  }

  @Test
  void invokeAllCollectsTheFailureOfEachKeyAndStillProcessesTheOthers() {
    Cache<String, Integer> cache = cache("invoke-all", Integer.class, true);
    cache.putAll(Map.of("a", 1, "bad", 1, "c", 1));
    Set<String> keys = new LinkedHashSet<>(List.of("a", "bad", "c", "new"));

    Map<String, EntryProcessorResult<Integer>> results = cache.invokeAll(keys, (entry, args) -> {
      entry.setValue((entry.exists() ? entry.getValue() : 0) + 10);
      if (entry.getKey().equals("bad")) {
        throw new IllegalArgumentException("no bad keys");
      }
      return entry.getValue();
    });

    assertThat(results).containsOnlyKeys("a", "bad", "c", "new");
    assertThat(results.get("a").get()).isEqualTo(11);
    assertThat(results.get("c").get()).isEqualTo(11);
    assertThat(results.get("new").get()).isEqualTo(10);
    assertThatThrownBy(() -> results.get("bad").get()).isInstanceOf(EntryProcessorException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class).hasRootCauseMessage("no bad keys");
    assertThat(cache.get("bad")).as("a failed processor changes nothing").isEqualTo(1);
    assertThat(cache.getAll(Set.of("a", "c", "new"))).isEqualTo(Map.of("a", 11, "c", 11, "new", 10));
  }

  @Test
  void invokeAllLeavesOutKeysWhoseProcessorReturnedNothing() {
    Cache<String, Integer> cache = cache("invoke-all-null", Integer.class, true);
    cache.put("a", 1);
    Map<String, EntryProcessorResult<Integer>> results = cache.invokeAll(Set.of("a", "b"),
        (entry, args) -> entry.exists() ? entry.getValue() : null);
    assertThat(results).containsOnlyKeys("a");
    assertThat(results.get("a").get()).isEqualTo(1);
  }

  @Test
  void invokeAllReportsAValueThatCannotBeStoredByValueAsTheFailureOfItsKeyOnly() {
    Cache<String, Object> cache = cache("invoke-all-copy", Object.class, true);
    Set<String> keys = new LinkedHashSet<>(List.of("a", "unstorable", "c"));

    Map<String, EntryProcessorResult<Object>> results = cache.invokeAll(keys, (entry, args) -> {
      entry.setValue(entry.getKey().equals("unstorable") ? new Object() : entry.getKey());
      return "done";
    });

    assertThat(results).containsOnlyKeys("a", "unstorable", "c");
    assertThat(results.get("a").get()).isEqualTo("done");
    assertThat(results.get("c").get()).isEqualTo("done");
    assertThatThrownBy(() -> results.get("unstorable").get())
        .isInstanceOf(EntryProcessorException.class).hasCauseInstanceOf(SerializationException.class);
    assertThat(cache.containsKey("unstorable")).isFalse();
    assertThat(cache.get("c")).isEqualTo("c");
  }

  @Test
  void invokeAllGoesOnPastAKeyWhoseSynchronousListenerFailed() {
    Cache<String, Integer> cache = cache("invoke-all-listener", Integer.class, true);
    RecordingListener<String, Integer> listener = new RecordingListener<String, Integer>()
        .failWith(new IllegalStateException("listener broke"));
    cache.registerCacheEntryListener(listener.configuration(true));
    Set<String> keys = new LinkedHashSet<>(List.of("a", "b"));

    Map<String, EntryProcessorResult<Integer>> results = cache.invokeAll(keys, INCREMENT);

    assertThat(listener.seen()).hasSize(2);
    assertThat(cache.getAll(keys)).isEqualTo(Map.of("a", 1, "b", 1));
    assertThatThrownBy(() -> results.get("a").get()).isInstanceOf(EntryProcessorException.class)
        .hasCauseInstanceOf(CacheEntryListenerException.class);
  }

  @Test
  void aProcessorThatThrowsAfterSettingAValueLeavesTheEntryAsItWas() {
    Cache<String, Integer> cache = cache("atomic-failure", Integer.class, false);
    cache.put("k", 1);
    assertThatThrownBy(() -> cache.invoke("k", (entry, args) -> {
      entry.setValue(2);
      throw new IllegalStateException("changed my mind");
    })).isInstanceOf(EntryProcessorException.class).hasRootCauseMessage("changed my mind");
    assertThat(cache.get("k")).isEqualTo(1);
  }

  @Test
  void theArgumentsReachTheProcessor() {
    Cache<String, Integer> cache = cache("arguments", Integer.class, false);
    Integer sum = cache.invoke("k", (entry, args) -> {
      entry.setValue((Integer) args[0] + (Integer) args[1]);
      return entry.getValue();
    }, 2, 3);
    assertThat(sum).isEqualTo(5);
    assertThat(cache.get("k")).isEqualTo(5);
  }
}
