package io.multitier.jcache.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.FakeTicker;
import io.multitier.jcache.testing.ManualExecutor;
import io.multitier.jcache.testing.RecordingListener;
import io.multitier.jcache.testing.RecordingListener.Seen;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Entry listeners: when they run, what they see, and what their failures do. No test sleeps. */
final class ListenerTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();
  private final ManualExecutor manual = new ManualExecutor();
  private CacheManager manager;

  @BeforeEach
  void openManager() {
    CachingProvider provider = Caching.getCachingProvider();
    manager = provider.getCacheManager(URI.create("listener-test"), provider.getDefaultClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private <V> Cache<String, V> cache(String name, Class<V> valueType, Executor executor) {
    MultiTierConfiguration<String, V> config = new MultiTierConfiguration<String, V>()
        .setTicker(ticker).setExecutor(executor);
    config.setTypes(String.class, valueType);
    config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
        new javax.cache.expiry.Duration(TimeUnit.SECONDS, 10)));
    return manager.createCache(name, config);
  }

  private static void assertLastEvents(RecordingListener<?, ?> listener, String... expected) {
    List<String> briefs = listener.briefs();
    assertThat(briefs.subList(Math.max(0, briefs.size() - expected.length), briefs.size()))
        .containsExactly(expected);
  }

  @Test
  void aSynchronousListenerHasSeenTheEventWhenEachWriteReturns() {
    // asynchronous work never runs on the manual executor: whatever the listener saw, it saw
    // synchronously
    Cache<String, String> cache = cache("sync-returns", String.class, manual);
    RecordingListener<String, String> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(true));

    cache.put("k", "v1");
    assertLastEvents(listener, "CREATED k=v1");
    cache.put("k", "v2");
    assertLastEvents(listener, "UPDATED k=v2 (was v1)");
    assertThat(cache.replace("k", "v3")).isTrue();
    assertLastEvents(listener, "UPDATED k=v3 (was v2)");
    assertThat(cache.replace("k", "v3", "v4")).isTrue();
    assertLastEvents(listener, "UPDATED k=v4 (was v3)");
    assertThat(cache.getAndReplace("k", "v5")).isEqualTo("v4");
    assertLastEvents(listener, "UPDATED k=v5 (was v4)");
    cache.invoke("k", (entry, args) -> {
      entry.setValue("v6");
      return null;
    });
    assertLastEvents(listener, "UPDATED k=v6 (was v5)");
    assertThat(cache.remove("k", "v6")).isTrue();
    assertLastEvents(listener, "REMOVED k=v6 (was v6)");
    assertThat(cache.putIfAbsent("k", "v7")).isTrue();
    assertLastEvents(listener, "CREATED k=v7");
    assertThat(cache.getAndPut("k", "v8")).isEqualTo("v7");
    assertLastEvents(listener, "UPDATED k=v8 (was v7)");
    assertThat(cache.getAndRemove("k")).isEqualTo("v8");
    assertLastEvents(listener, "REMOVED k=v8 (was v8)");
    cache.invoke("k", (entry, args) -> {
      entry.setValue("v9");
      return null;
    });
    assertLastEvents(listener, "CREATED k=v9");
    cache.invoke("k", (entry, args) -> {
      entry.remove();
      return null;
    });
    assertLastEvents(listener, "REMOVED k=v9 (was v9)");
    cache.putAll(new LinkedHashMap<>(Map.of("a", "1")));
    assertLastEvents(listener, "CREATED a=1");
    cache.removeAll(Set.of("a"));
    assertLastEvents(listener, "REMOVED a=1 (was 1)");
    assertThat(cache.remove("absent")).isFalse();

    assertThat(listener.seen()).hasSize(14);
    assertThat(manual.pending()).isZero();
  }

  @Test
  void anAsynchronousListenerRunsOnTheExecutorNotInTheCallersThread() {
    Cache<String, String> cache = cache("async-executor", String.class, manual);
    RecordingListener<String, String> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(false));

    cache.put("k", "v1");
    cache.put("k", "v2");
    assertThat(listener.seen()).isEmpty();

    manual.runAll();
    assertThat(listener.briefs()).containsExactly("CREATED k=v1", "UPDATED k=v2 (was v1)");
  }

  @Test
  void anAsynchronousListenerReceivesTheEventsOfOneKeyInOrder() {
    Cache<String, Integer> cache = cache("async-order", Integer.class, ForkJoinPool.commonPool());
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(false));

    int writes = 2_000;
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= writes; i++) {
      cache.put("k", i);
      expected.add(i == 1 ? "CREATED k=1" : "UPDATED k=" + i + " (was " + (i - 1) + ")");
    }
    cache.remove("k");
    expected.add("REMOVED k=" + writes + " (was " + writes + ")");

    await().atMost(PATIENCE).until(() -> listener.seen().size() >= expected.size());
    assertThat(listener.briefs()).containsExactlyElementsOf(expected);
  }

  @Test
  void anAsynchronousListenerSeesConcurrentUpdatesOfOneKeyInTheOrderTheyHappened() throws Exception {
    Cache<String, Integer> cache = cache("async-concurrent", Integer.class,
        ForkJoinPool.commonPool());
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(false));

    int threads = 4;
    int increments = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < increments; i++) {
            cache.invoke("k", (entry, args) -> {
              entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
              return null;
            });
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

    int total = threads * increments;
    assertThat(cache.get("k")).isEqualTo(total);
    await().atMost(PATIENCE).until(() -> listener.seen().size() >= total);
    List<Seen> seen = listener.seen();
    assertThat(seen).hasSize(total);
    for (int i = 0; i < total; i++) {
      Seen event = seen.get(i);
      assertThat(event.value()).as("value of event %d of %s", i, seen.subList(Math.max(0, i - 3), i + 1))
          .isEqualTo(i + 1);
      if (i > 0) {
        assertThat(event.oldValue()).as("old value of event %d", i).isEqualTo(i);
      }
    }
  }

  @Test
  void updatesAndRemovalsCarryTheOldValueAndCreationsDoNot() {
    Cache<String, String> cache = cache("old-values", String.class, manual);
    RecordingListener<String, String> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(true));

    cache.put("k", "first");
    cache.put("k", "second");
    cache.remove("k");

    List<Seen> seen = listener.seen();
    assertThat(seen).extracting(Seen::type)
        .containsExactly(EventType.CREATED, EventType.UPDATED, EventType.REMOVED);
    assertThat(seen.get(0).oldValueAvailable()).isFalse();
    assertThat(seen.get(0).oldValue()).isNull();
    assertThat(seen.get(1).oldValueAvailable()).isTrue();
    assertThat(seen.get(1).oldValue()).isEqualTo("first");
    assertThat(seen.get(1).value()).isEqualTo("second");
    assertThat(seen.get(2).oldValueAvailable()).isTrue();
    assertThat(seen.get(2).oldValue()).isEqualTo("second");
  }

  @Test
  void aFilterDecidesWhichEventsReachTheListener() {
    Cache<String, String> cache = cache("filtered", String.class, manual);
    RecordingListener<String, String> listener = new RecordingListener<>();
    Factory<CacheEntryEventFilter<? super String, ? super String>> onlyKeptKeysNotUpdates =
        () -> event -> event.getKey().startsWith("keep") && event.getEventType() != EventType.UPDATED;
    cache.registerCacheEntryListener(listener.configuration(true, onlyKeptKeysNotUpdates));

    cache.put("keep-1", "a");
    cache.put("drop-1", "b");
    cache.put("keep-1", "c");
    cache.remove("drop-1");
    cache.remove("keep-1");

    assertThat(listener.briefs()).containsExactly("CREATED keep-1=a", "REMOVED keep-1=c (was c)");
  }

  @Test
  void deregisteringAListenerAtRunTimeStopsDelivery() {
    Cache<String, String> cache = cache("deregister", String.class, manual);
    RecordingListener<String, String> sync = new RecordingListener<>();
    RecordingListener<String, String> async = new RecordingListener<>();
    MutableCacheEntryListenerConfiguration<String, String> syncConfig = sync.configuration(true);
    MutableCacheEntryListenerConfiguration<String, String> asyncConfig = async.configuration(false);
    cache.registerCacheEntryListener(syncConfig);
    cache.registerCacheEntryListener(asyncConfig);

    cache.put("a", "1");
    manual.runAll();
    assertThat(sync.briefs()).containsExactly("CREATED a=1");
    assertThat(async.briefs()).containsExactly("CREATED a=1");

    cache.deregisterCacheEntryListener(syncConfig);
    cache.deregisterCacheEntryListener(asyncConfig);
    cache.put("b", "2");
    cache.remove("a");
    manual.runAll();

    assertThat(sync.briefs()).containsExactly("CREATED a=1");
    assertThat(async.briefs()).containsExactly("CREATED a=1");
    @SuppressWarnings("unchecked")
    CompleteConfiguration<String, String> config = cache.getConfiguration(CompleteConfiguration.class);
    assertThat(config.getCacheEntryListenerConfigurations()).isEmpty();

    // and it can come back
    cache.registerCacheEntryListener(syncConfig);
    cache.put("c", "3");
    assertThat(sync.briefs()).containsExactly("CREATED a=1", "CREATED c=3");
  }

  @Test
  void theSameListenerConfigurationCannotBeRegisteredTwice() {
    Cache<String, String> cache = cache("twice", String.class, manual);
    MutableCacheEntryListenerConfiguration<String, String> config =
        new RecordingListener<String, String>().configuration(true);
    cache.registerCacheEntryListener(config);
    assertThatThrownBy(() -> cache.registerCacheEntryListener(config))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aThrowingSynchronousListenerFailsTheOperationAfterTheEntryWasWritten() {
    Cache<String, String> cache = cache("sync-throws", String.class, manual);
    RecordingListener<String, String> listener = new RecordingListener<String, String>()
        .failWith(new IllegalStateException("listener broke"));
    cache.registerCacheEntryListener(listener.configuration(true));

    assertThatThrownBy(() -> cache.put("k", "v1")).isInstanceOf(CacheEntryListenerException.class)
        .hasRootCauseMessage("listener broke");
    assertThat(cache.get("k")).isEqualTo("v1");

    assertThatThrownBy(() -> cache.invoke("k", (entry, args) -> {
      entry.setValue("v2");
      return null;
    })).isInstanceOf(CacheEntryListenerException.class);
    assertThat(cache.get("k")).isEqualTo("v2");

    assertThatThrownBy(() -> cache.replace("k", "v3")).isInstanceOf(CacheEntryListenerException.class);
    assertThat(cache.get("k")).isEqualTo("v3");

    assertThatThrownBy(() -> cache.remove("k")).isInstanceOf(CacheEntryListenerException.class);
    assertThat(cache.containsKey("k")).isFalse();

    // the failure belongs to the operation that caused it, not to the next one
    listener.failWith(null);
    cache.put("other", "x");
    assertThat(cache.get("other")).isEqualTo("x");
    assertThat(listener.seen()).hasSize(5);
  }

  @Test
  void anExpiredEntryRaisesAnExpiredEventWhenItIsRead() {
    Cache<String, String> cache = cache("expired-sync", String.class, manual);
    RecordingListener<String, String> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(true));
    cache.put("k", "v");

    ticker.advance(Duration.ofSeconds(11));
    assertThat(cache.get("k")).isNull();

    assertThat(listener.briefs()).containsExactly("CREATED k=v", "EXPIRED k=v (was v)");
    assertThat(cache.get("k")).isNull();
    assertThat(listener.seen()).as("an entry expires once").hasSize(2);
  }

  @Test
  void anAsynchronousListenerIsToldOfExpiry() {
    Cache<String, String> cache = cache("expired-async", String.class, ForkJoinPool.commonPool());
    RecordingListener<String, String> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(false));
    cache.put("k", "v");
    ticker.advance(Duration.ofSeconds(11));

    assertThat(cache.containsKey("k")).isFalse();

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.briefs())
        .containsExactly("CREATED k=v", "EXPIRED k=v (was v)"));
  }

  @Test
  void aFailingExpiredListenerIsReportedByTheReadThatFoundTheExpiryAndNotByALaterWrite() {
    Cache<String, String> cache = cache("expired-throws", String.class, manual);
    RecordingListener<String, String> listener = new RecordingListener<>();
    cache.registerCacheEntryListener(listener.configuration(true));
    cache.put("k", "v");
    listener.failWith(new IllegalStateException("expired listener broke"));
    ticker.advance(Duration.ofSeconds(11));

    assertThatThrownBy(() -> cache.containsKey("k")).isInstanceOf(CacheEntryListenerException.class)
        .hasRootCauseMessage("expired listener broke");
    assertThat(listener.briefs()).containsExactly("CREATED k=v", "EXPIRED k=v (was v)");

    listener.failWith(null);
    cache.put("other", "x");
    assertThat(cache.get("other")).isEqualTo("x");
  }
}
