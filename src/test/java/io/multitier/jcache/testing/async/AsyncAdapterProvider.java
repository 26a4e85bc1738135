package io.multitier.jcache.testing.async;

import io.multitier.jcache.MultiTierCachingProvider;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * Our provider, but every {@code Cache} it hands out is an {@link AsyncAdapterCache}: each JCache
 * operation calls the asynchronous API and waits. The build runs the official TCK through it
 * ({@code javax.cache.spi.CachingProvider} names this class), which shows the two APIs agree.
 */
public final class AsyncAdapterProvider implements CachingProvider {

  private final MultiTierCachingProvider delegate = new MultiTierCachingProvider();
  private final Map<CacheManager, AsyncAdapterManager> managers = new ConcurrentHashMap<>();

  AsyncAdapterManager adapt(CacheManager manager) {
    managers.values().removeIf(AsyncAdapterManager::isClosed);
    return managers.computeIfAbsent(manager, m -> new AsyncAdapterManager(this, m));
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    return adapt(delegate.getCacheManager(uri, classLoader, properties));
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return adapt(delegate.getCacheManager(uri, classLoader));
  }

  @Override
  public CacheManager getCacheManager() {
    return adapt(delegate.getCacheManager());
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    return delegate.getDefaultClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return delegate.getDefaultURI();
  }

  @Override
  public Properties getDefaultProperties() {
    return delegate.getDefaultProperties();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void close(ClassLoader classLoader) {
    delegate.close(classLoader);
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    delegate.close(uri, classLoader);
  }

  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    return delegate.isSupported(optionalFeature);
  }
}
