package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;

/**
 * The JSR-107 {@link CachingProvider} of Multi-Tier JCache, registered through
 * {@code META-INF/services/javax.cache.spi.CachingProvider} so that
 * {@code Caching.getCachingProvider()} finds it.
 *
 * <p>It keeps one {@link CacheManager} per class loader and URI. The default URI names the
 * embedded default: caches with only the in-process tier, unless the URI's configuration file
 * names a Redis server or the properties hand over the application's client ({@link #REDISSON_CLIENT}).
 */
public final class MultiTierCachingProvider implements CachingProvider {

  /** The URI of the default CacheManager. */
  public static final URI DEFAULT_URI = URI.create("multitier:default");

  /**
   * The CacheManager property that hands the provider the application's own
   * {@code org.redisson.api.RedissonClient} ({@code properties.put(REDISSON_CLIENT, client)}), which
   * the CacheManager's tiered caches then use instead of a client of their own: its connections,
   * threads and topology. The configuration file's cache settings still apply, and of its
   * {@code redis:} section only {@code keyPrefix}, {@code reconcileInterval}, {@code invalidation} and
   * {@code writerKeepsCopy}; a Redis that the file
   * names is not used. The application keeps the client and shuts it down: closing the CacheManager
   * releases only what the provider made on it (its subscriptions, listeners and reconciliation),
   * and the provider never shuts down a client it did not build. A value of another type makes
   * {@code getCacheManager} throw {@link IllegalArgumentException}. The properties count only when
   * the CacheManager of that URI and class loader is created.
   */
  public static final String REDISSON_CLIENT = "io.multitier.jcache.redisson-client";

  private final Map<ClassLoader, Map<URI, MultiTierCacheManager>> managers = new WeakHashMap<>();

  /** Creates the provider; applications get it from {@code Caching.getCachingProvider()}. */
  public MultiTierCachingProvider() {}

  @Override
  public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader,
      Properties properties) {
    URI managerUri = (uri == null) ? getDefaultURI() : uri;
    ClassLoader loader = (classLoader == null) ? getDefaultClassLoader() : classLoader;
    Properties props = (properties == null) ? getDefaultProperties() : properties;
    return managers.computeIfAbsent(loader, key -> new HashMap<>())
        .computeIfAbsent(managerUri, key -> new MultiTierCacheManager(this, key, loader, props));
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader());
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return (loader == null) ? getClass().getClassLoader() : loader;
  }

  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public void close() {
    for (CacheManager manager : snapshot(null)) {
      manager.close();
    }
  }

  @Override
  public void close(ClassLoader classLoader) {
    requireNonNull(classLoader, "a null class loader was given to close");
    for (CacheManager manager : snapshot(classLoader)) {
      manager.close();
    }
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    requireNonNull(uri, "a null URI was given to close");
    requireNonNull(classLoader, "a null class loader was given to close");
    CacheManager manager;
    synchronized (this) {
      Map<URI, MultiTierCacheManager> byUri = managers.get(classLoader);
      manager = (byUri == null) ? null : byUri.get(uri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    return optionalFeature == OptionalFeature.STORE_BY_REFERENCE;
  }

  /** Forgets a CacheManager that was closed. */
  synchronized void forget(MultiTierCacheManager manager) {
    Map<URI, MultiTierCacheManager> byUri = managers.get(manager.getClassLoader());
    if (byUri != null) {
      byUri.remove(manager.getURI(), manager);
      if (byUri.isEmpty()) {
        managers.remove(manager.getClassLoader());
      }
    }
  }

  private synchronized List<CacheManager> snapshot(@Nullable ClassLoader classLoader) {
    List<CacheManager> list = new ArrayList<>();
    if (classLoader == null) {
      managers.values().forEach(byUri -> list.addAll(byUri.values()));
    } else {
      Map<URI, MultiTierCacheManager> byUri = managers.get(classLoader);
      if (byUri != null) {
        list.addAll(byUri.values());
      }
    }
    return list;
  }
}
