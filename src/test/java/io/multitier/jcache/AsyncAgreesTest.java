package io.multitier.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RecordingListener;
import io.multitier.jcache.testing.RedisServer;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.processor.EntryProcessor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The synchronous and the asynchronous API agree: jqwik generates sequences of every operation
 * {@link AsyncCache} has, over a few keys, and runs each sequence on two caches of the same
 * configuration (read-through with a loader that knows one key, write-through, a synchronous
 * listener, statistics), one through {@code Cache}, one through {@code AsyncCache} waited for.
 * Every result or exception type, and at the end the contents, the statistics, what the writer
 * was told and what the listener heard, must be the same. L1-only and tiered over a real Redis.
 */
class AsyncAgreesTest {

  private static final List<String> KEYS = List.of("a", "b", "c");
  private static final AtomicInteger caches = new AtomicInteger();

  private static RedisServer server;
  private static ManagerFiles managers;
  private static CacheManager tiered;
  private static CacheManager local;

  @BeforeContainer
  static void start() {
    server = RedisServer.start();
    managers = new ManagerFiles();
    tiered = managers.open(managers.separateClient(server, "agree:", "t", ManagerFiles.SHORT_TIMEOUTS));
    local = Caching.getCachingProvider().getCacheManager(URI.create("async-agrees-l1"),
        AsyncAgreesTest.class.getClassLoader());
  }

  @AfterContainer
  static void stop() {
    local.close();
    managers.close();
    server.stop();
  }

  @Property(tries = 150)
  void anL1OnlyCacheAgrees(@ForAll("sequences") List<Op> sequence) {
    agree(local, sequence);
  }

  @Property(tries = 40)
  void aTieredCacheAgrees(@ForAll("sequences") List<Op> sequence) {
    agree(tiered, sequence);
  }

  private static void agree(CacheManager manager, List<Op> sequence) {
    Side sync = new Side(manager);
    Side async = new Side(manager);
    AsyncCache<String, String> asyncApi = async.cache.unwrap(AsyncCache.class);
    for (Op op : sequence) {
      String viaCache = outcome(() -> op.onCache(sync.cache));
      String viaAsync = outcome(() -> await(op.onAsync(asyncApi)));
      assertThat(viaAsync).as("%s", op).isEqualTo(viaCache);
    }
    assertThat(async.statistics()).as("statistics").isEqualTo(sync.statistics());
    assertThat(async.writer.calls).as("writer calls").isEqualTo(sync.writer.calls);
    assertThat(async.listener.briefs()).as("events").isEqualTo(sync.listener.briefs());
    assertThat(async.contents()).as("contents").isEqualTo(sync.contents());
    sync.cache.close();
    async.cache.close();
  }

  private static String outcome(java.util.function.Supplier<Object> call) {
    try {
      return String.valueOf(call.get());
    } catch (RuntimeException e) {
      return "threw " + e.getClass().getName();
    }
  }

  private static Object await(CompletionStage<?> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  @Provide
  Arbitrary<List<Op>> sequences() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<String> values = Arbitraries.of("1", "2", "3");
    Arbitrary<Set<String>> keySets = Arbitraries.of(KEYS).set().ofMaxSize(3);
    Arbitrary<Op> op = Combinators.combine(Arbitraries.of(Kind.values()), keys, values, values, keySets)
        .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(25);
  }

  enum Kind {
    GET, GET_ALL, CONTAINS, PUT, GET_AND_PUT, PUT_ALL, PUT_IF_ABSENT, REMOVE, REMOVE_VALUE, GET_AND_REMOVE,
    REPLACE, REPLACE_VALUE, GET_AND_REPLACE, REMOVE_ALL_KEYS, REMOVE_ALL, CLEAR, INVOKE, INVOKE_ALL
  }

  record Op(Kind kind, String key, String value, String other, Set<String> keys) {

    /** Appends "!" to a present value, else sets "new"; returns the value before. */
    private static final EntryProcessor<String, String, String> BANG = (entry, arguments) -> {
      String before = entry.exists() ? entry.getValue() : null;
      entry.setValue(before == null ? "new" : before + "!");
      return String.valueOf(before);
    };

    Object onCache(Cache<String, String> cache) {
      switch (kind) {
        case GET: return cache.get(key);
        case GET_ALL: return new TreeMap<>(cache.getAll(keys));
        case CONTAINS: return cache.containsKey(key);
        case PUT: cache.put(key, value); return "done";
        case GET_AND_PUT: return cache.getAndPut(key, value);
        case PUT_ALL: cache.putAll(entries()); return "done";
        case PUT_IF_ABSENT: return cache.putIfAbsent(key, value);
        case REMOVE: return cache.remove(key);
        case REMOVE_VALUE: return cache.remove(key, value);
        case GET_AND_REMOVE: return cache.getAndRemove(key);
        case REPLACE: return cache.replace(key, value, other);
        case REPLACE_VALUE: return cache.replace(key, value);
        case GET_AND_REPLACE: return cache.getAndReplace(key, value);
        case REMOVE_ALL_KEYS: cache.removeAll(keys); return "done";
        case REMOVE_ALL: cache.removeAll(); return "done";
        case CLEAR: cache.clear(); return "done";
        case INVOKE: return cache.invoke(key, BANG);
        case INVOKE_ALL: return results(cache.invokeAll(keys, BANG));
        default: throw new AssertionError(kind);
      }
    }

    CompletionStage<?> onAsync(AsyncCache<String, String> cache) {
      switch (kind) {
        case GET: return cache.getAsync(key);
        case GET_ALL: return cache.getAllAsync(keys).thenApply(TreeMap::new);
        case CONTAINS: return cache.containsKeyAsync(key);
        case PUT: return cache.putAsync(key, value).thenApply(done -> "done");
        case GET_AND_PUT: return cache.getAndPutAsync(key, value);
        case PUT_ALL: return cache.putAllAsync(entries()).thenApply(done -> "done");
        case PUT_IF_ABSENT: return cache.putIfAbsentAsync(key, value);
        case REMOVE: return cache.removeAsync(key);
        case REMOVE_VALUE: return cache.removeAsync(key, value);
        case GET_AND_REMOVE: return cache.getAndRemoveAsync(key);
        case REPLACE: return cache.replaceAsync(key, value, other);
        case REPLACE_VALUE: return cache.replaceAsync(key, value);
        case GET_AND_REPLACE: return cache.getAndReplaceAsync(key, value);
        case REMOVE_ALL_KEYS: return cache.removeAllAsync(keys).thenApply(done -> "done");
        case REMOVE_ALL: return cache.removeAllAsync().thenApply(done -> "done");
        case CLEAR: return cache.clearAsync().thenApply(done -> "done");
        case INVOKE: return cache.invokeAsync(key, BANG);
        case INVOKE_ALL: return cache.invokeAllAsync(keys, BANG).thenApply(Op::results);
        default: throw new AssertionError(kind);
      }
    }

    private Map<String, String> entries() {
      Map<String, String> entries = new HashMap<>();
      keys.forEach(k -> entries.put(k, value));
      return entries;
    }

    private static Map<String, String> results(Map<String, ? extends javax.cache.processor.EntryProcessorResult<String>> results) {
      Map<String, String> seen = new TreeMap<>();
      results.forEach((k, result) -> seen.put(k, result.get()));
      return seen;
    }
  }

  /** One cache of the pair, with its own loader, writer and listener. */
  static final class Side {
    final Cache<String, String> cache;
    final Writer writer = new Writer();
    final RecordingListener<String, String> listener = new RecordingListener<>();

    Side(CacheManager manager) {
      MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setStatisticsEnabled(true);
      config.setReadThrough(true).setWriteThrough(true);
      config.setCacheLoaderFactory(FactoryBuilder.factoryOf(new Loader()));
      config.setCacheWriterFactory(FactoryBuilder.factoryOf(writer));
      config.addCacheEntryListenerConfiguration(listener.configuration(true));
      cache = manager.createCache("agree-" + caches.incrementAndGet(), config);
    }

    List<Long> statistics() {
      JCacheStatistics s = ((MultiTierCache<?, ?>) cache).statistics();
      return List.of(s.getCacheHits(), s.getCacheMisses(), s.getCachePuts(), s.getCacheRemovals(), s.getCacheGets());
    }

    Map<String, String> contents() {
      Map<String, String> contents = new TreeMap<>();
      cache.forEach(entry -> contents.put(entry.getKey(), entry.getValue()));
      return contents;
    }
  }

  /** Knows only key "a". */
  static final class Loader implements CacheLoader<String, String>, Serializable {
    @Override
    public String load(String key) {
      return key.equals("a") ? "loaded" : null;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new HashMap<>();
      keys.forEach(key -> {
        if (key.equals("a")) {
          loaded.put(key, "loaded");
        }
      });
      return loaded;
    }
  }

  static final class Writer implements CacheWriter<String, String>, Serializable {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      calls.add("write " + entry.getKey() + "=" + entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      List<String> written = new ArrayList<>();
      entries.forEach(entry -> written.add(entry.getKey() + "=" + entry.getValue()));
      written.sort(null);
      calls.add("writeAll " + written);
    }

    @Override
    public void delete(Object key) {
      calls.add("delete " + key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      List<String> deleted = new ArrayList<>();
      keys.forEach(key -> deleted.add(String.valueOf(key)));
      deleted.sort(null);
      calls.add("deleteAll " + deleted);
    }
  }
}
