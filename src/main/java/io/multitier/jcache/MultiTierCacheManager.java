package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.ManagerSettings;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.configuration.RedisSettings;
import io.multitier.jcache.backend.redis.RedisConnection;
import io.multitier.jcache.copy.AllowList;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSR-107 {@link CacheManager}: it creates, finds and destroys the caches of one URI and class
 * loader, and decides which tiers each cache gets. Its caches share a Redis when its file names one
 * or when its properties hand it the application's client ({@link MultiTierCachingProvider#REDISSON_CLIENT}).
 */
final class MultiTierCacheManager implements CacheManager {

  private static final Logger logger = LoggerFactory.getLogger(MultiTierCacheManager.class);
  private static final String REDISSON = "org.redisson.Redisson";
  private static final String REDISSON_CLIENT_TYPE = "org.redisson.api.RedissonClient";

  private final MultiTierCachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final ManagerSettings settings;
  /** The application's {@code RedissonClient}, typed {@code Object} so that an L1-only JVM loads no Redisson; or {@code null}. */
  private final @Nullable Object applicationClient;
  /** Where the shared tier is, or {@code null} when every cache is L1-only. */
  private final @Nullable RedisSettings shared;
  private @Nullable RedisConnection redis;
  private final ConcurrentMap<String, MultiTierCache<?, ?>> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  MultiTierCacheManager(MultiTierCachingProvider provider, URI uri, ClassLoader classLoader,
      Properties properties) {
    this.provider = requireNonNull(provider);
    this.uri = requireNonNull(uri);
    this.classLoader = requireNonNull(classLoader);
    this.properties = requireNonNull(properties);
    this.settings = ManagerSettings.forUri(uri, classLoader);
    this.applicationClient = applicationClient(properties);
    this.shared = sharedTier();
    Map<String, MultiTierConfiguration<?, ?>> declared = new LinkedHashMap<>();
    List<String> tiered = new ArrayList<>();
    for (String name : settings.declaredCaches()) {
      MultiTierConfiguration<Object, Object> config = settings.declared(name);
      declared.put(name, config);
      caches.put(name, build(name, config));
      if (isTiered(config)) {
        tiered.add(name);
        warnIfRefused(name, config);
      }
    }
    logger.info(StartLine.of(uri, settings, shared, applicationClient != null, declared,
        (redis == null) ? null : redis.servers()));
    warnIfRedisUnusable(tiered);
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
    if (isTiered(config)) {
      warnIfRedisUnusable(List.of(cacheName));
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  @Override
  public <K, V> @Nullable Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
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
  public <K, V> @Nullable Cache<K, V> getCache(String cacheName) {
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
    return CacheFactory.build(name, config, this, (shared != null) ? cache -> redis(cache).backend(cache,
        config.isClusterEvents() ? config.getClusterEventsMaxLength() : 0) : null);
  }

  private boolean isTiered(MultiTierConfiguration<?, ?> config) {
    return config.isTiered() && shared != null;
  }

  /**
   * Returns the settings of the shared tier: the file's {@code redis:} section, or, with the
   * application's client and no such section, the defaults (key prefix {@code mtj:}).
   */
  private @Nullable RedisSettings sharedTier() {
    RedisSettings file = settings.redis().orElse(null);
    if (applicationClient != null) {
      return (file != null) ? file : new RedisSettings(null, null, null, null, null, null, null, null);
    }
    if (file != null && !file.namesServers()) {
      throw new CacheException("Invalid configuration in " + settings.source() + ": redis: names no server; give "
          + "address (redis://host:port) or redissonConfig (a Redisson YAML file), or hand the CacheManager the "
          + "application's RedissonClient in its property " + MultiTierCachingProvider.REDISSON_CLIENT);
    }
    return file;
  }

  /**
   * Returns the client the properties hand over, checked to be a {@code RedissonClient}, or {@code null}.
   *
   * @throws IllegalArgumentException naming the property if it holds anything else
   */
  private static @Nullable Object applicationClient(Properties properties) {
    Object client = properties.get(MultiTierCachingProvider.REDISSON_CLIENT);
    if (client == null) {
      return null;
    }
    Class<?> type;
    try {
      type = Class.forName(REDISSON_CLIENT_TYPE, false, MultiTierCacheManager.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("The CacheManager property " + MultiTierCachingProvider.REDISSON_CLIENT
          + " must hold an " + REDISSON_CLIENT_TYPE + ", but Redisson is not on the provider's class path", e);
    }
    if (!type.isInstance(client)) {
      throw new IllegalArgumentException("The CacheManager property " + MultiTierCachingProvider.REDISSON_CLIENT
          + " must hold an " + REDISSON_CLIENT_TYPE + ", not a " + client.getClass().getName());
    }
    return client;
  }

  /** Logs a declared key or value type that the cache's allow-list refuses: no JVM could read its entries back from Redis. */
  private void warnIfRefused(String name, MultiTierConfiguration<?, ?> config) {
    AllowList allowList = AllowList.of(config.getAllowedClasses());
    Map<String, Class<?>> types = new LinkedHashMap<>();
    types.put("keyType", config.getKeyType());
    types.put("valueType", config.getValueType());
    types.forEach((setting, type) -> {
      String refused = allowList.firstRefused(type);
      if (refused != null) {
        int dot = refused.lastIndexOf('.');
        logger.warn("CacheManager {}: the tiered cache '{}' declares {} {}, which its allowedClasses do not allow: "
            + "no JVM can read its entries back from Redis (each read there is a miss); add \"{}\"{} to allowedClasses "
            + "in {}", uri, name, setting, type.getName(), refused,
            (dot < 0) ? "" : " (or \"" + refused.substring(0, dot) + ".**\" for its package)", settings.source());
      }
    });
  }

  /**
   * Logs one line, for all the tiered caches just created, if Redis could not be used when they
   * were: why (a refused password is not an unreachable server), the setting and file to correct,
   * and what the caches do meanwhile.
   */
  private void warnIfRedisUnusable(List<String> tiered) {
    String why;
    synchronized (this) {
      why = (redis == null || tiered.isEmpty()) ? null : redis.unusable();
    }
    if (why == null) {
      return;
    }
    String caches = (tiered.size() == 1) ? "the tiered cache '" + tiered.get(0) + "'"
        : tiered.size() + " tiered caches (" + String.join(", ", tiered) + ")";
    logger.warn("CacheManager {}{}: {} {} no L1 copies and {} as {} degradation policy says until Redis answers: {}",
        uri, settings.source().equals(uri.toString()) ? "" : " (configuration " + settings.source() + ")", caches,
        (tiered.size() == 1) ? "keeps" : "keep", (tiered.size() == 1) ? "serves" : "serve",
        (tiered.size() == 1) ? "its" : "their", why);
  }

  /**
   * Returns the link to Redis, opening it on first use (by the named cache): over the application's
   * client if it handed one, else over the provider's own client for the file's settings.
   */
  private synchronized RedisConnection redis(String cacheName) {
    if (redis == null) {
      RedisSettings redisSettings = requireNonNull(shared, "a tiered cache has a shared tier");
      if (applicationClient != null) {
        redis = RedisConnection.overClient((RedissonClient) applicationClient, redisSettings, uri);
      } else {
        requireRedisson(cacheName);
        redis = RedisConnection.open(redisSettings, cacheName, uri, settings.source(), classLoader);
      }
    }
    return redis;
  }

  /** Throws a CacheException naming the missing dependency when Redisson is not on the class path. */
  private void requireRedisson(String cacheName) {
    try {
      Class.forName(REDISSON, false, MultiTierCacheManager.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new CacheException("The tiered cache '" + cacheName + "' of the CacheManager " + uri
          + " needs Redisson, which is not on the class path: " + settings.source() + " names a Redis (redis:), "
          + "so add the dependency org.redisson:redisson (3.52.0), or remove redis: from the file to keep every "
          + "cache in this JVM only (or set 'tiered: false' for this cache)", e);
    }
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
