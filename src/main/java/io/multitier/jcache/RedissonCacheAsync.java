package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.redisson.api.CacheAsync;
import org.redisson.api.RFuture;
import org.redisson.misc.CompletableFutureWrapper;

/**
 * The cache as Redisson's JCache shows it asynchronously ({@code cache.unwrap(CacheAsync.class)}),
 * so that code written against Redisson's provider keeps working after the swap: each method is
 * the {@link AsyncCache} method of the same name. Loaded only when asked for, so Redisson stays an
 * optional dependency.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class RedissonCacheAsync<K, V> implements CacheAsync<K, V> {

  /** The name of the interface this class implements, which the cache compares without loading it. */
  static final String INTERFACE = "org.redisson.api.CacheAsync";

  private final AsyncCache<K, V> cache;

  RedissonCacheAsync(AsyncCache<K, V> cache) {
    this.cache = requireNonNull(cache);
  }

  private static <T> RFuture<T> future(CompletionStage<T> stage) {
    return new CompletableFutureWrapper<>(stage);
  }

  @Override
  public RFuture<V> getAsync(K key) {
    return future(cache.getAsync(key));
  }

  @Override
  public RFuture<Map<K, V>> getAllAsync(Set<? extends K> keys) {
    return future(cache.getAllAsync(keys));
  }

  @Override
  public RFuture<Boolean> containsKeyAsync(K key) {
    return future(cache.containsKeyAsync(key));
  }

  @Override
  public RFuture<Void> putAsync(K key, V value) {
    return future(cache.putAsync(key, value));
  }

  @Override
  public RFuture<V> getAndPutAsync(K key, V value) {
    return future(cache.getAndPutAsync(key, value));
  }

  @Override
  public RFuture<Void> putAllAsync(Map<? extends K, ? extends V> map) {
    return future(cache.putAllAsync(map));
  }

  @Override
  public RFuture<Boolean> putIfAbsentAsync(K key, V value) {
    return future(cache.putIfAbsentAsync(key, value));
  }

  @Override
  public RFuture<Boolean> removeAsync(K key) {
    return future(cache.removeAsync(key));
  }

  @Override
  public RFuture<Boolean> removeAsync(K key, V value) {
    return future(cache.removeAsync(key, value));
  }

  @Override
  public RFuture<V> getAndRemoveAsync(K key) {
    return future(cache.getAndRemoveAsync(key));
  }

  @Override
  public RFuture<Boolean> replaceAsync(K key, V oldValue, V newValue) {
    return future(cache.replaceAsync(key, oldValue, newValue));
  }

  @Override
  public RFuture<Boolean> replaceAsync(K key, V value) {
    return future(cache.replaceAsync(key, value));
  }

  @Override
  public RFuture<V> getAndReplaceAsync(K key, V value) {
    return future(cache.getAndReplaceAsync(key, value));
  }

  @Override
  public RFuture<Void> removeAllAsync(Set<? extends K> keys) {
    return future(cache.removeAllAsync(keys));
  }

  @Override
  public RFuture<Void> clearAsync() {
    return future(cache.clearAsync());
  }
}
