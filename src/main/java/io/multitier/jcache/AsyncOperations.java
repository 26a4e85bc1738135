package io.multitier.jcache;

import static io.multitier.jcache.management.JCacheStatistics.Timing.GET;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.tier.Store;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AsyncCache} of a {@link MultiTierCache}. Reads ask the engine's asynchronous reads and
 * finish a hit on the thread that has it; a miss that must be loaded, and every write, runs the
 * synchronous operation on the asynchronous executor, so each keeps its JCache rules, statistics
 * and events. {@link KeyOrder} keeps the operations on one key in the order they were called; a
 * read waits only when an operation on its key's stripe has not finished.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class AsyncOperations<K, V> implements AsyncCache<K, V> {

  private final MultiTierCache<K, V> cache;
  private final Store<K, V> store;
  private final ReadThrough<K, V> readThrough;
  private final JCacheStatistics statistics;
  private final EventDispatcher<K, V> dispatcher;
  private final Copies copies;
  private final Arguments<K, V> arguments;
  private final boolean storeByValue;
  private final Executor executor;
  private final KeyOrder order = new KeyOrder();

  AsyncOperations(MultiTierCache<K, V> cache, Store<K, V> store, ReadThrough<K, V> readThrough,
      JCacheStatistics statistics, EventDispatcher<K, V> dispatcher, Copies copies, Arguments<K, V> arguments,
      boolean storeByValue, Executor executor) {
    this.cache = requireNonNull(cache);
    this.store = requireNonNull(store);
    this.readThrough = requireNonNull(readThrough);
    this.statistics = requireNonNull(statistics);
    this.dispatcher = requireNonNull(dispatcher);
    this.copies = requireNonNull(copies);
    this.arguments = requireNonNull(arguments);
    this.storeByValue = storeByValue;
    this.executor = requireNonNull(executor);
  }

  // ---------------------------------------------------------------- reads

  @Override
  public CompletionStage<@Nullable V> getAsync(K key) {
    try {
      cache.requireOpen();
      requireNonNull(key, "a null key was given to getAsync");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return order.idle(key) ? read(key) : order.after(key, () -> {
      cache.requireOpen();
      return read(key);
    });
  }

  private CompletableFuture<@Nullable V> read(K key) {
    try {
      long start = statistics.start();
      V near = store.getNear(key);
      if (near != null) {
        return CompletableFuture.completedFuture(hit(near, start));
      }
      return settled(store.getAsync(key).thenCompose(value -> (value != null)
          ? CompletableFuture.completedFuture(hit(value, start)) : missed(key, start)));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private V hit(V value, long start) {
    statistics.recordHits(1);
    statistics.recordTimeSince(start, GET);
    dispatcher.awaitSynchronous();
    return copies.out(value);
  }

  private CompletableFuture<@Nullable V> missed(K key, long start) {
    statistics.recordMisses(1);
    if (!readThrough.readsThrough()) {
      statistics.recordTimeSince(start, GET);
      dispatcher.awaitSynchronous();
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.supplyAsync(() -> {
      V value = readThrough.missed(key);
      statistics.recordTimeSince(start, GET);
      dispatcher.awaitSynchronous();
      return copies.outOrNull(value);
    }, executor);
  }

  @Override
  public CompletionStage<Map<K, V>> getAllAsync(Set<? extends K> keys) {
    try {
      cache.requireOpen();
      Arguments.requireNoNulls(keys, "getAllAsync");
      Set<K> asked = new LinkedHashSet<>(keys);
      boolean idle = true;
      for (K key : asked) {
        idle &= order.idle(key);
      }
      return idle ? readAll(asked) : order.afterAll(asked, () -> readAll(asked));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Map<K, V>> readAll(Set<K> keys) {
    try {
      cache.requireOpen();
      long start = statistics.start();
      return settled(store.getAllAsync(keys).<Map<K, V>>thenCompose(found -> {
        statistics.recordHits(found.size());
        statistics.recordMisses(keys.size() - found.size());
        if (!readThrough.readsThrough() || found.size() == keys.size()) {
          return CompletableFuture.completedFuture(copiedOut(found, start));
        }
        return CompletableFuture.supplyAsync(() -> {
          readThrough.addMissing(keys, found);
          return copiedOut(found, start);
        }, executor);
      }));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Map<K, V> copiedOut(Map<K, V> found, long start) {
    Map<K, V> result = new HashMap<>((int) (found.size() / 0.75f) + 1);
    found.forEach((key, value) -> result.put(copies.out(key), copies.out(value)));
    statistics.recordTimeSince(start, GET);
    dispatcher.awaitSynchronous();
    return result;
  }

  @Override
  public CompletionStage<Boolean> containsKeyAsync(K key) {
    return onKey(key, "containsKeyAsync", () -> () -> cache.containsKey(key));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public CompletionStage<@Nullable Void> putAsync(K key, V value) {
    return onKey(key, "putAsync", () -> {
      V kept = in(key, value, "putAsync");
      return () -> {
        cache.put(key, kept);
        return null;
      };
    });
  }

  @Override
  public CompletionStage<@Nullable V> getAndPutAsync(K key, V value) {
    return onKey(key, "getAndPutAsync", () -> {
      V kept = in(key, value, "getAndPutAsync");
      return () -> cache.getAndPut(key, kept);
    });
  }

  @Override
  public CompletionStage<@Nullable Void> putAllAsync(Map<? extends K, ? extends V> map) {
    try {
      cache.requireOpen();
      requireNonNull(map, "a null map was given to putAllAsync");
      Map<K, V> kept = new LinkedHashMap<>((int) (map.size() / 0.75f) + 1);
      map.forEach((key, value) -> kept.put(key, in(key, value, "putAllAsync")));
      return order.afterAll(kept.keySet(), () -> onExecutor(() -> {
        cache.putAll(kept);
        return null;
      }));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Boolean> putIfAbsentAsync(K key, V value) {
    return onKey(key, "putIfAbsentAsync", () -> {
      V kept = in(key, value, "putIfAbsentAsync");
      return () -> cache.putIfAbsent(key, kept);
    });
  }

  @Override
  public CompletionStage<Boolean> removeAsync(K key) {
    return onKey(key, "removeAsync", () -> () -> cache.remove(key));
  }

  @Override
  public CompletionStage<Boolean> removeAsync(K key, V oldValue) {
    return onKey(key, "removeAsync", () -> {
      V expected = in(key, oldValue, "removeAsync");
      return () -> cache.remove(key, expected);
    });
  }

  @Override
  public CompletionStage<@Nullable V> getAndRemoveAsync(K key) {
    return onKey(key, "getAndRemoveAsync", () -> () -> cache.getAndRemove(key));
  }

  @Override
  public CompletionStage<Boolean> replaceAsync(K key, V oldValue, V newValue) {
    return onKey(key, "replaceAsync", () -> {
      V expected = in(key, oldValue, "replaceAsync");
      requireNonNull(newValue, "a null new value was given to replaceAsync");
      V kept = in(key, newValue, "replaceAsync");
      return () -> cache.replace(key, expected, kept);
    });
  }

  @Override
  public CompletionStage<Boolean> replaceAsync(K key, V value) {
    return onKey(key, "replaceAsync", () -> {
      V kept = in(key, value, "replaceAsync");
      return () -> cache.replace(key, kept);
    });
  }

  @Override
  public CompletionStage<@Nullable V> getAndReplaceAsync(K key, V value) {
    return onKey(key, "getAndReplaceAsync", () -> {
      V kept = in(key, value, "getAndReplaceAsync");
      return () -> cache.getAndReplace(key, kept);
    });
  }

  @Override
  public CompletionStage<@Nullable Void> removeAllAsync(Set<? extends K> keys) {
    try {
      cache.requireOpen();
      Arguments.requireNoNulls(keys, "removeAllAsync");
      Set<K> removed = new LinkedHashSet<>(keys);
      return order.afterAll(removed, () -> onExecutor(() -> {
        cache.removeAll(removed);
        return null;
      }));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<@Nullable Void> removeAllAsync() {
    return everything(() -> {
      cache.removeAll();
      return null;
    });
  }

  @Override
  public CompletionStage<@Nullable Void> clearAsync() {
    return everything(() -> {
      cache.clear();
      return null;
    });
  }

  // ---------------------------------------------------------------- entry processors

  @Override
  public <T> CompletionStage<T> invokeAsync(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    return onKey(key, "invokeAsync", () -> {
      requireNonNull(entryProcessor, "a null entry processor was given to invokeAsync");
      return () -> cache.invoke(key, entryProcessor, arguments);
    });
  }

  @Override
  public <T> CompletionStage<Map<K, EntryProcessorResult<T>>> invokeAllAsync(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    try {
      cache.requireOpen();
      Arguments.requireNoNulls(keys, "invokeAllAsync");
      requireNonNull(entryProcessor, "a null entry processor was given to invokeAllAsync");
      Set<K> invoked = new LinkedHashSet<>(keys);
      return order.afterAll(invoked, () -> onExecutor(() -> cache.invokeAll(invoked, entryProcessor, arguments)));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public Cache<K, V> synchronous() {
    return cache;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Checks the key and value as the synchronous operation would, then returns the value the
   * operation is to keep: a copy made now, when the cache stores by value, so that a change the
   * caller makes to it afterwards is not stored.
   */
  private V in(K key, V value, String operation) {
    arguments.requireKeyValue(key, value, operation);
    return storeByValue ? copies.in(value) : value;
  }

  /**
   * Checks the cache and the key, has {@code prepare} check the rest and say what to run, and runs
   * that on the executor after the key's earlier operations; a failed check is the stage's failure.
   */
  private <R> CompletableFuture<R> onKey(K key, String operation, Supplier<Supplier<R>> prepare) {
    try {
      cache.requireOpen();
      requireNonNull(key, () -> "a null key was given to " + operation);
      Supplier<R> synchronous = prepare.get();
      return order.after(key, () -> onExecutor(synchronous));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs the synchronous operation on the executor after every earlier operation. */
  private <R> CompletableFuture<R> everything(Supplier<R> synchronous) {
    try {
      cache.requireOpen();
      return order.afterEvery(() -> onExecutor(synchronous));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private <R> CompletableFuture<R> onExecutor(Supplier<R> synchronous) {
    return CompletableFuture.supplyAsync(synchronous, executor);
  }

  /** Returns a stage that fails with the exception itself rather than a {@link CompletionException} around it. */
  private static <R> CompletableFuture<R> settled(CompletionStage<R> stage) {
    CompletableFuture<R> settled = new CompletableFuture<>();
    stage.whenComplete((value, failure) -> {
      if (failure == null) {
        settled.complete(value);
      } else {
        settled.completeExceptionally(KeyOrder.unwrapped(failure));
      }
    });
    return settled;
  }
}
