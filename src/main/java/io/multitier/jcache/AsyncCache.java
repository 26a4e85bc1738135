package io.multitier.jcache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;

/**
 * JCache's operations in a form that does not block the caller, reached with
 * {@code cache.unwrap(AsyncCache.class)}. Each does what the {@link Cache} method of the same name
 * does, with the same statistics, events, expiry, read-through, write-through, copies and
 * exceptions; an exception, including a bad argument's or a closed cache's, is the stage's failure,
 * never thrown. A hit in this JVM's tier completes the stage before the method returns, on the
 * caller's thread; a read from Redis holds no thread while Redis answers; what may block (loaders,
 * writers, entry processors, writes) runs on the cache's asynchronous executor
 * ({@code MultiTierConfiguration#setAsyncExecutor}). Operations on one key take effect in the order
 * they were called; a stage's dependent actions run on whichever thread completes it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface AsyncCache<K, V> {

  /** Does {@link Cache#get}. */
  CompletionStage<@Nullable V> getAsync(K key);

  /** Does {@link Cache#getAll}. */
  CompletionStage<Map<K, V>> getAllAsync(Set<? extends K> keys);

  /** Does {@link Cache#containsKey}. */
  CompletionStage<Boolean> containsKeyAsync(K key);

  /** Does {@link Cache#put}. */
  CompletionStage<@Nullable Void> putAsync(K key, V value);

  /** Does {@link Cache#getAndPut}. */
  CompletionStage<@Nullable V> getAndPutAsync(K key, V value);

  /** Does {@link Cache#putAll}. */
  CompletionStage<@Nullable Void> putAllAsync(Map<? extends K, ? extends V> map);

  /** Does {@link Cache#putIfAbsent}. */
  CompletionStage<Boolean> putIfAbsentAsync(K key, V value);

  /** Does {@link Cache#remove(Object)}. */
  CompletionStage<Boolean> removeAsync(K key);

  /** Does {@link Cache#remove(Object, Object)}. */
  CompletionStage<Boolean> removeAsync(K key, V oldValue);

  /** Does {@link Cache#getAndRemove}. */
  CompletionStage<@Nullable V> getAndRemoveAsync(K key);

  /** Does {@link Cache#replace(Object, Object, Object)}. */
  CompletionStage<Boolean> replaceAsync(K key, V oldValue, V newValue);

  /** Does {@link Cache#replace(Object, Object)}. */
  CompletionStage<Boolean> replaceAsync(K key, V value);

  /** Does {@link Cache#getAndReplace}. */
  CompletionStage<@Nullable V> getAndReplaceAsync(K key, V value);

  /** Does {@link Cache#removeAll(Set)}. */
  CompletionStage<@Nullable Void> removeAllAsync(Set<? extends K> keys);

  /** Does {@link Cache#removeAll()}. */
  CompletionStage<@Nullable Void> removeAllAsync();

  /** Does {@link Cache#clear}. */
  CompletionStage<@Nullable Void> clearAsync();

  /** Does {@link Cache#invoke}. */
  <T> CompletionStage<T> invokeAsync(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments);

  /** Does {@link Cache#invokeAll}. */
  <T> CompletionStage<Map<K, EntryProcessorResult<T>>> invokeAllAsync(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments);

  /** Returns the synchronous view of the same cache. */
  Cache<K, V> synchronous();
}
