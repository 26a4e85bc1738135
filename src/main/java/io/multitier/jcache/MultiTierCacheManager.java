package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.backend.caffeine.CaffeineBackend;
import io.multitier.jcache.configuration.ManagerSettings;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Copier;
import io.multitier.jcache.copy.JavaSerializer;
import io.multitier.jcache.copy.SerializingCopier;
import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.backend.redis.RedisConnection;
import io.multitier.jcache.tier.LocalStore;
import io.multitier.jcache.tier.LowerTiers;
import io.multitier.jcache.tier.SerializingCodec;
import io.multitier.jcache.tier.TieredStore;
import io.multitier.jcache.tier.Store;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.spi.CachingProvider;

/**
 * The JSR-107 {@link CacheManager}: it creates, finds and destroys the caches of one URI and class
 * loader, and decides which tiers each cache gets.
 */
final class MultiTierCacheManager implements CacheManager {

  private final MultiTierCachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final ManagerSettings settings;
  private RedisConnection redis;
  private final ConcurrentMap<String, MultiTierCache<?, ?>> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  MultiTierCacheManager(MultiTierCachingProvider provider, URI uri, ClassLoader classLoader,
      Properties properties) {
    this.provider = requireNonNull(provider);
    this.uri = requireNonNull(uri);
    this.classLoader = requireNonNull(classLoader);
    this.properties = requireNonNull(properties);
    this.settings = ManagerSettings.forUri(uri, classLoader);
    for (String name : settings.declaredCaches()) {
      caches.put(name, build(name, settings.declared(name)));
    }
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    requireOpen();
    requireNonNull(cacheName, "a null cache name was given to createCache");
    requireNonNull(configuration, "a null configuration was given to createCache");
    MultiTierConfiguration<K, V> config = settings.forCreated(cacheName, complete(configuration));
    boolean[] created = {false};
    MultiTierCache<?, ?> cache = caches.computeIfAbsent(cacheName, name -> {
      created[0] = true;
      return build(name, config);
    });
    if (!created[0]) {
      throw new CacheException("A cache named '" + cacheName + "' already exists in " + uri);
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    requireOpen();
    requireNonNull(cacheName, "a null cache name was given to getCache");
    requireNonNull(keyType, "a null key type was given to getCache");
    requireNonNull(valueType, "a null value type was given to getCache");
    MultiTierCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    CompleteConfiguration<?, ?> config = cache.getConfiguration(CompleteConfiguration.class);
    if (config.getKeyType() != keyType || config.getValueType() != valueType) {
      throw new ClassCastException("Cache '" + cacheName + "' holds " + config.getKeyType().getName()
          + " -> " + config.getValueType().getName() + ", not " + keyType.getName() + " -> "
          + valueType.getName());
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName) {
    requireOpen();
    requireNonNull(cacheName, "a null cache name was given to getCache");
    @SuppressWarnings("unchecked")
    Cache<K, V> cache = (Cache<K, V>) caches.get(cacheName);
    return cache;
  }

  @Override
  public Iterable<String> getCacheNames() {
    requireOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public void destroyCache(String cacheName) {
    requireOpen();
    requireNonNull(cacheName, "a null cache name was given to destroyCache");
    MultiTierCache<?, ?> cache = caches.remove(cacheName);
    if (cache != null) {
      cache.destroyEntries();
      cache.shutdown();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    requireOpen();
    requireNonNull(cacheName, "a null cache name was given to enableManagement");
    MultiTierCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.enableManagement(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    requireOpen();
    requireNonNull(cacheName, "a null cache name was given to enableStatistics");
    MultiTierCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.enableStatistics(enabled);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    provider.forget(this);
    for (MultiTierCache<?, ?> cache : caches.values()) {
      cache.shutdown();
    }
    caches.clear();
    synchronized (this) {
      if (redis != null) {
        redis.close();
        redis = null;
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    requireNonNull(clazz, "a null class was given to unwrap");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("The CacheManager cannot be unwrapped to " + clazz.getName());
  }

  /** Forgets a cache that was closed by its owner. */
  void forget(MultiTierCache<?, ?> cache) {
    caches.remove(cache.getName(), cache);
  }

  private <K, V> MultiTierCache<K, V> build(String name, MultiTierConfiguration<K, V> config) {
    EventDispatcher<K, V> dispatcher = new EventDispatcher<>(config.getExecutor());
    AtomicReference<MultiTierCache<K, V>> self = new AtomicReference<>();
    boolean tiered = config.isTiered() && settings.redis().isPresent();
    ExpiryCalculator expiry = new ExpiryCalculator(config.getExpiryPolicyFactory().create());
    boolean expiring = tiered || !expiry.neverExpires();
    CaffeineBackend<K, V> l1 = new CaffeineBackend<>("L1", config.getMaximumSize(),
        config.getTicker(), Runnable::run, (key, value) -> {
          MultiTierCache<K, V> cache = self.get();
          if (cache != null && !tiered) {
            dispatcher.publishExpired(cache, key, value);
          }
        }, (key, value) -> {
          MultiTierCache<K, V> cache = self.get();
          if (cache != null && !tiered) {
            cache.statistics().recordEvictions(1);
          }
        }, expiring);
    Store<K, V> store = tiered
        ? new TieredStore<>(l1, redis().backend(name),
            LowerTiers.of(config.getLowerTiers(), name, classLoader),
            new SerializingCodec<>(JavaSerializer.allowing(config.getAllowedClasses()), classLoader),
            config.getL1MaxTtl(), config.getDegradation(), config.getMaxKeyBytes(), config.getMaxValueBytes())
        : new LocalStore<>(l1);
    Copier copier = config.isStoreByValue()
        ? new SerializingCopier(JavaSerializer.trustingOwnBytes())
        : Copier.identity();
    CacheLoader<K, V> loader = (config.getCacheLoaderFactory() == null) ? null
        : config.getCacheLoaderFactory().create();
    CacheWriter<K, V> writer = (config.isWriteThrough() && config.getCacheWriterFactory() != null)
        ? cast(config.getCacheWriterFactory().create()) : null;
    MultiTierCache<K, V> cache = new MultiTierCache<>(name, this, config, store, copier,
        expiry, loader, writer, dispatcher);
    self.set(cache);
    return cache;
  }

  /** Returns the link to Redis, opening it on first use. */
  private synchronized RedisConnection redis() {
    if (redis == null) {
      redis = RedisConnection.open(settings.redis().orElseThrow(), uri, classLoader);
    }
    return redis;
  }

  @SuppressWarnings("unchecked")
  private static <K, V> CacheWriter<K, V> cast(CacheWriter<? super K, ? super V> writer) {
    return (CacheWriter<K, V>) writer;
  }

  private static <K, V> CompleteConfiguration<K, V> complete(Configuration<K, V> configuration) {
    if (configuration instanceof CompleteConfiguration) {
      return (CompleteConfiguration<K, V>) configuration;
    }
    MutableConfiguration<K, V> config = new MutableConfiguration<>();
    config.setTypes(configuration.getKeyType(), configuration.getValueType());
    config.setStoreByValue(configuration.isStoreByValue());
    return config;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("The CacheManager " + uri + " is closed");
    }
  }
}
