package io.multitier.jcache.testing.async;

import io.multitier.jcache.AsyncCache;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * A {@code Cache} whose every operation that {@link AsyncCache} has is that asynchronous operation
 * waited for, its failure rethrown as the exception itself; the rest (configuration, listeners,
 * iteration, loadAll, life cycle) is the cache's own.
 */
public final class AsyncAdapterCache<K, V> implements Cache<K, V> {

  private final AsyncAdapterManager manager;
  private final Cache<K, V> delegate;
  private final AsyncCache<K, V> async;

  @SuppressWarnings("unchecked")
  AsyncAdapterCache(AsyncAdapterManager manager, Cache<K, V> delegate) {
    this.manager = manager;
    this.delegate = delegate;
    this.async = delegate.unwrap(AsyncCache.class);
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  @Override
  public V get(K key) {
    return await(async.getAsync(key));
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    return await(async.getAllAsync(keys));
  }

  @Override
  public boolean containsKey(K key) {
    return await(async.containsKeyAsync(key));
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    delegate.loadAll(keys, replaceExistingValues, completionListener);
  }

  @Override
  public void put(K key, V value) {
    await(async.putAsync(key, value));
  }

  @Override
  public V getAndPut(K key, V value) {
    return await(async.getAndPutAsync(key, value));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    await(async.putAllAsync(map));
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    return await(async.putIfAbsentAsync(key, value));
  }

  @Override
  public boolean remove(K key) {
    return await(async.removeAsync(key));
  }

  @Override
  public boolean remove(K key, V oldValue) {
    return await(async.removeAsync(key, oldValue));
  }

  @Override
  public V getAndRemove(K key) {
    return await(async.getAndRemoveAsync(key));
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    return await(async.replaceAsync(key, oldValue, newValue));
  }

  @Override
  public boolean replace(K key, V value) {
    return await(async.replaceAsync(key, value));
  }

  @Override
  public V getAndReplace(K key, V value) {
    return await(async.getAndReplaceAsync(key, value));
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    await(async.removeAllAsync(keys));
  }

  @Override
  public void removeAll() {
    await(async.removeAllAsync());
  }

  @Override
  public void clear() {
    await(async.clearAsync());
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    return delegate.getConfiguration(clazz);
  }

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    return await(async.invokeAsync(key, entryProcessor, arguments));
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor,
      Object... arguments) {
    return await(async.invokeAllAsync(keys, entryProcessor, arguments));
  }

  @Override
  public String getName() {
    return delegate.getName();
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public boolean isClosed() {
    return delegate.isClosed();
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    return clazz.isInstance(this) ? clazz.cast(this) : delegate.unwrap(clazz);
  }

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> configuration) {
    delegate.registerCacheEntryListener(configuration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> configuration) {
    delegate.deregisterCacheEntryListener(configuration);
  }

  @Override
  public Iterator<Entry<K, V>> iterator() {
    return delegate.iterator();
  }
}
