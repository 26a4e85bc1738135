package io.multitier.jcache.testing.async;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;

/** A CacheManager of {@link AsyncAdapterProvider}: our manager, its caches seen through {@link AsyncAdapterCache}. */
public final class AsyncAdapterManager implements CacheManager {

  private final AsyncAdapterProvider provider;
  private final CacheManager delegate;
  private final Map<Cache<?, ?>, AsyncAdapterCache<?, ?>> caches = new ConcurrentHashMap<>();

  AsyncAdapterManager(AsyncAdapterProvider provider, CacheManager delegate) {
    this.provider = provider;
    this.delegate = delegate;
  }

  @SuppressWarnings("unchecked")
  private <K, V> Cache<K, V> adapt(Cache<K, V> cache) {
    if (cache == null) {
      return null;
    }
    caches.keySet().removeIf(Cache::isClosed);
    return (Cache<K, V>) caches.computeIfAbsent(cache, c -> new AsyncAdapterCache<>(this, (Cache<K, V>) c));
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return delegate.getURI();
  }

  @Override
  public ClassLoader getClassLoader() {
    return delegate.getClassLoader();
  }

  @Override
  public Properties getProperties() {
    return delegate.getProperties();
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    return adapt(delegate.createCache(cacheName, configuration));
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    return adapt(delegate.getCache(cacheName, keyType, valueType));
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName) {
    return adapt(delegate.getCache(cacheName));
  }

  @Override
  public Iterable<String> getCacheNames() {
    return delegate.getCacheNames();
  }

  @Override
  public void destroyCache(String cacheName) {
    delegate.destroyCache(cacheName);
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    delegate.enableManagement(cacheName, enabled);
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    delegate.enableStatistics(cacheName, enabled);
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
}
