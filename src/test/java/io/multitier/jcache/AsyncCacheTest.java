package io.multitier.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.ManualExecutor;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.CacheAsync;

/**
 * The asynchronous API ({@code cache.unwrap(AsyncCache.class)}) against a real redis-server and in
 * an L1-only cache: a local hit is complete on return, on the caller's thread; a read from Redis
 * holds no thread while Redis is paused; failures of every kind are the stage's, of JCache's
 * types; writes to one key take effect in call order with their events and statistics; user code
 * runs on the configured executor; store-by-value copies are taken when the call is made.
 */
final class AsyncCacheTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private ManagerFiles managers;
  private CacheManager writerSide;
  private CacheManager readerSide;

  @BeforeEach
  void open() {
    server.call("FLUSHALL");
    managers = new ManagerFiles();
    writerSide = managers.open(ManagerFiles.keepingWrites(
        managers.separateClient(server, "async:", "w", ManagerFiles.SHORT_TIMEOUTS)));
    readerSide = managers.open(managers.separateClient(server, "async:", "r", ManagerFiles.SHORT_TIMEOUTS));
  }

  @AfterEach
  void close() {
    managers.close();
  }

  private static MultiTierConfiguration<String, String> strings() {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setStatisticsEnabled(true);
    return config;
  }

  @SuppressWarnings("unchecked")
  private static <K, V> AsyncCache<K, V> async(Cache<K, V> cache) {
    return cache.unwrap(AsyncCache.class);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anL1HitIsCompleteOnReturnAndItsActionsRunOnTheCallersThread() throws Exception {
    Cache<String, String> cache = writerSide.createCache("hit", strings());
    cache.put("k", "v");

    CompletableFuture<String> hit = async(cache).getAsync("k").toCompletableFuture();
    Thread caller = Thread.currentThread();
    CompletableFuture<Thread> ranOn = hit.thenApply(value -> Thread.currentThread());

    assertThat(hit).isCompletedWithValue("v");
    assertThat(ranOn).isCompletedWithValue(caller);
    assertThat(async(cache).getAllAsync(Set.of("k")).toCompletableFuture()).isCompletedWithValue(Map.of("k", "v"));
    assertThat(statistics(cache).getCacheHits()).isEqualTo(2);
  }

  @Test
  void aReadFromRedisHoldsNoThreadWhileRedisIsPaused() throws Exception {
    writerSide.createCache("paused", strings()).put("k", "v");
    Cache<String, String> reader = readerSide.createCache("paused", strings());
    reader.get("warm");

    CompletableFuture<String> read;
    Thread caller;
    server.pause();
    try {
      CompletableFuture<CompletableFuture<String>> started = new CompletableFuture<>();
      caller = new Thread(() -> started.complete(async(reader).getAsync("k").toCompletableFuture()));
      caller.start();
      caller.join(TimeUnit.SECONDS.toMillis(1));
      assertThat(caller.isAlive()).as("the caller's thread finished while Redis was paused").isFalse();
      read = started.get();
      Thread.sleep(200);
      assertThat(read).as("Redis has not answered yet").isNotDone();
    } finally {
      server.resume();
    }
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("v");
    assertThat(statistics(reader).getCacheHits()).isEqualTo(1);
    assertThat(async(reader).getAsync("k").toCompletableFuture()).as("promoted").isCompletedWithValue("v");
  }

  @Test
  void everyFailureIsTheStagesWithJCachesType() throws Exception {
    MultiTierConfiguration<String, String> config = strings();
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(new FailingLoader()));
    config.setCacheWriterFactory(FactoryBuilder.factoryOf(new FailingWriter()));
    config.setReadThrough(true).setWriteThrough(true);
    Cache<String, String> cache = writerSide.createCache("failures", config);
    AsyncCache<String, String> async = async(cache);
    @SuppressWarnings({"unchecked", "rawtypes"})
    AsyncCache<Object, Object> raw = (AsyncCache) async;

    assertFails(async.getAsync(null), NullPointerException.class);
    assertFails(async.putAsync("k", null), NullPointerException.class);
    assertFails(async.getAllAsync(null), NullPointerException.class);
    assertFails(raw.putAsync("k", 1), ClassCastException.class);
    assertFails(async.putAsync("k", "v"), CacheWriterException.class);
    assertFails(async.getAsync("absent"), CacheLoaderException.class);
    assertFails(async.invokeAsync("k", (entry, arguments) -> {
      throw new IllegalArgumentException("no");
    }), javax.cache.processor.EntryProcessorException.class);
    assertThat(cache.containsKey("k")).as("a failed write-through stores nothing").isFalse();

    cache.close();
    assertFails(async.getAsync("k"), IllegalStateException.class);
    assertFails(async.putAsync("k", "v"), IllegalStateException.class);
  }

  private static void assertFails(CompletionStage<?> stage, Class<? extends Throwable> type) {
    assertThatThrownBy(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(type);
  }

  @Test
  void writesToOneKeyTakeEffectInCallOrderWithTheirEventsAndStatistics() throws Exception {
    Cache<String, String> cache = writerSide.createCache("order", strings());
    Events events = new Events();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(events), null, false, true));
    AsyncCache<String, String> async = async(cache);

    List<CompletionStage<?>> writes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      writes.add(async.putAsync("k", "v" + i));
    }
    CompletableFuture<String> read = async.getAsync("k").toCompletableFuture();
    writes.add(async.removeAsync("other"));

    assertThat(await(read)).isEqualTo("v199");
    for (CompletionStage<?> write : writes) {
      await(write);
    }
    assertThat(events.seen).hasSize(200).startsWith("CREATED v0", "UPDATED v1").endsWith("UPDATED v199");
    assertThat(statistics(cache).getCachePuts()).isEqualTo(200);
    assertThat(readerSide.createCache("order", strings()).get("k")).as("in Redis").isEqualTo("v199");
  }

  @Test
  void loadersWritersAndProcessorsRunOnTheConfiguredExecutor() throws Exception {
    Executor named = Executors.newFixedThreadPool(2, task -> new Thread(task, "configured-executor"));
    MultiTierConfiguration<String, String> config = strings();
    config.setAsyncExecutor(named);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(new ThreadNamingLoader()));
    config.setCacheWriterFactory(FactoryBuilder.factoryOf(new ThreadRecordingWriter()));
    config.setReadThrough(true).setWriteThrough(true);
    Cache<String, String> cache = writerSide.createCache("executor", config);
    AsyncCache<String, String> async = async(cache);

    assertThat(await(async.getAsync("a"))).isEqualTo("loaded on configured-executor");
    await(async.putAsync("b", "v"));
    assertThat(ThreadRecordingWriter.threads).containsOnly("configured-executor");
    String processedOn = await(async.<String>invokeAsync("a", (entry, arguments) -> Thread.currentThread().getName()));
    assertThat(processedOn).isEqualTo("configured-executor");
  }

  @Test
  void aStoreByValueCopyIsTakenWhenTheCallIsMade() throws Exception {
    ManualExecutor later = new ManualExecutor();
    MultiTierConfiguration<String, ArrayList<String>> config = new MultiTierConfiguration<>();
    config.setAsyncExecutor(later);
    Cache<String, ArrayList<String>> cache = writerSide.createCache("copies", config);
    ArrayList<String> value = new ArrayList<>(List.of("before"));

    CompletionStage<Void> put = async(cache).putAsync("k", value);
    value.set(0, "changed by the caller");
    later.runAll();
    await(put);

    assertThat(cache.get("k")).containsExactly("before");
  }

  @Test
  void anL1OnlyCacheAnswersTheSameWay() throws Exception {
    CacheManager local = Caching.getCachingProvider().getCacheManager(URI.create("async-l1-only"), getClass().getClassLoader());
    try {
      MultiTierConfiguration<String, String> config = strings();
      config.setStoreByValue(false);
      Cache<String, String> cache = local.createCache("local", config);
      AsyncCache<String, String> async = async(cache);
      await(async.putAsync("k", "v"));

      assertThat(async.getAsync("k").toCompletableFuture()).isCompletedWithValue("v");
      assertThat(await(async.getAndReplaceAsync("k", "w"))).isEqualTo("v");
      assertThat(await(async.replaceAsync("k", "w", "x"))).isTrue();
      Integer length = await(async.<Integer>invokeAsync("k", (entry, arguments) -> entry.getValue().length()));
      assertThat(length).isEqualTo(1);
      assertThat(await(async.getAndRemoveAsync("k"))).isEqualTo("x");
      assertThat(await(async.containsKeyAsync("k"))).isFalse();
    } finally {
      local.close();
    }
  }

  @Test
  void aCallerWaitingInsideACallbackForALaterOperationOnTheSameKeyIsNotStuck() throws Exception {
    MultiTierConfiguration<String, String> config = strings();
    config.setCacheWriterFactory(FactoryBuilder.factoryOf(new GatedWriter()));
    config.setWriteThrough(true);
    Cache<String, String> cache = writerSide.createCache("callbacks", config);
    AsyncCache<String, String> async = async(cache);
    GatedWriter.gate = new java.util.concurrent.CountDownLatch(1);

    CompletionStage<Void> first = async.putAsync("k", "1");
    async.putAsync("k", "2");
    CompletableFuture<String> readInCallback = new CompletableFuture<>();
    first.thenRun(() -> readInCallback.complete(async.getAsync("k").toCompletableFuture().join()));
    GatedWriter.gate.countDown();

    assertThat(readInCallback.get(10, TimeUnit.SECONDS)).as("the second put ran while the callback waited")
        .isEqualTo("2");
  }

  @Test
  void redissonsCacheAsyncIsAViewOfTheSameCache() throws Exception {
    Cache<String, String> cache = writerSide.createCache("redisson-view", strings());
    @SuppressWarnings("unchecked")
    CacheAsync<String, String> view = cache.unwrap(CacheAsync.class);

    view.putAsync("k", "v").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(cache.get("k")).isEqualTo("v");
    assertThat(view.getAsync("k").join()).isEqualTo("v");
    assertThat(view.replaceAsync("k", "v", "w").join()).isTrue();
    view.removeAllAsync(Set.of("k")).join();
    assertThat(view.containsKeyAsync("k").join()).isFalse();
    view.putAllAsync(Map.of("a", "1", "b", "2")).join();
    assertThat(view.getAllAsync(Set.of("a", "b", "c")).join()).isEqualTo(Map.of("a", "1", "b", "2"));
    view.clearAsync().join();
    assertThat(cache.iterator().hasNext()).isFalse();
  }

  private static JCacheStatistics statistics(Cache<?, ?> cache) {
    return ((MultiTierCache<?, ?>) cache).statistics();
  }

  static final class Events implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, java.io.Serializable {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> seen.add(event.getEventType() + " " + event.getValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> seen.add(event.getEventType() + " " + event.getValue()));
    }
  }

  static final class FailingLoader implements CacheLoader<String, String>, java.io.Serializable {
    @Override
    public String load(String key) {
      throw new IllegalStateException("the loader failed");
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new IllegalStateException("the loader failed");
    }
  }

  static final class FailingWriter implements CacheWriter<String, String>, java.io.Serializable {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      throw new IllegalStateException("the writer failed");
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      throw new IllegalStateException("the writer failed");
    }

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(Collection<?> keys) {}
  }

  /** Holds the first write until the test opens the gate. */
  static final class GatedWriter implements CacheWriter<String, String>, java.io.Serializable {
    static volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {}

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(Collection<?> keys) {}
  }

  static final class ThreadNamingLoader implements CacheLoader<String, String>, java.io.Serializable {
    @Override
    public String load(String key) {
      return "loaded on " + Thread.currentThread().getName();
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }

  static final class ThreadRecordingWriter implements CacheWriter<String, String>, java.io.Serializable {
    static final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void delete(Object key) {
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      threads.add(Thread.currentThread().getName());
    }
  }
}
