package io.multitier.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import javax.cache.spi.CachingProvider;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.impl.config.copy.DefaultCopierConfiguration;
import org.ehcache.impl.copy.SerializingCopier;
import org.ehcache.jsr107.Eh107Configuration;
import org.ehcache.spi.loaderwriter.CacheLoaderWriter;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * Builds each contender. Every JCache contender is obtained by provider class name, never with the
 * no-argument {@code Caching.getCachingProvider()}: four providers share the class path.
 */
public final class Contenders {

  public static final String MTJ = "io.multitier.jcache.MultiTierCachingProvider";
  public static final String CAFFEINE = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";
  public static final String EHCACHE = "org.ehcache.jsr107.EhcacheCachingProvider";
  public static final String REDISSON = "org.redisson.jcache.JCachingProvider";

  /** Contenders that need the redis-server. */
  public static boolean remote(String impl) {
    return impl.equals("mtj-tiered") || impl.equals("redisson-jcache") || impl.equals("raw-redisson");
  }

  private Contenders() {}

  /**
   * @param impl mtj-l1, mtj-tiered, caffeine-jcache, ehcache3, redisson-jcache, raw-caffeine, raw-redisson
   * @param byValue the JCache store-by-value setting (ignored by the raw ceilings and by Redisson)
   * @param maxSize the in-process size bound in entries (Redisson's JCache has none: Redis memory is the bound)
   * @param readThrough whether get loads a missing key through {@link Loader}
   */
  public static Contender create(String impl, boolean byValue, long maxSize, boolean readThrough) {
    if (remote(impl)) {
      Redis.call("FLUSHALL");
    }
    String name = "bench-" + impl + "-" + System.nanoTime();
    switch (impl) {
      case "mtj-l1":
        return mtj(name, false, byValue, maxSize, readThrough);
      case "mtj-tiered":
        if (!byValue) {
          throw new IllegalArgumentException("mtj-tiered is store-by-value (store-by-reference caches are L1-only)");
        }
        return mtj(name, true, true, maxSize, readThrough);
      case "caffeine-jcache": {
        CaffeineConfiguration<String, byte[]> config = new CaffeineConfiguration<>();
        config.setTypes(String.class, byte[].class);
        config.setStoreByValue(byValue);
        config.setMaximumSize(OptionalLong.of(maxSize));
        if (readThrough) {
          config.setReadThrough(true);
          config.setCacheLoaderFactory(FactoryBuilder.factoryOf(Loader.class));
        }
        return jcache(CAFFEINE, null, name, config, false);
      }
      case "ehcache3": {
        // Ehcache's own configuration is the only way to bound its heap tier through JCache; its
        // store-by-value is a serializing copier on keys and values, as for a MutableConfiguration
        CacheConfigurationBuilder<String, byte[]> builder = CacheConfigurationBuilder
            .newCacheConfigurationBuilder(String.class, byte[].class, ResourcePoolsBuilder.heap(maxSize));
        if (byValue) {
          builder = builder
              .withService(new DefaultCopierConfiguration<>(SerializingCopier.<String>asCopierClass(),
                  DefaultCopierConfiguration.Type.KEY))
              .withService(new DefaultCopierConfiguration<>(SerializingCopier.<byte[]>asCopierClass(),
                  DefaultCopierConfiguration.Type.VALUE));
        }
        if (readThrough) {
          builder = builder.withLoaderWriter(new EhcacheLoader());
        }
        return jcache(EHCACHE, null, name, Eh107Configuration.fromEhcacheCacheConfiguration(builder), false);
      }
      case "redisson-jcache": {
        MutableConfiguration<String, byte[]> config = new MutableConfiguration<String, byte[]>()
            .setTypes(String.class, byte[].class)
            .setStoreByValue(byValue);
        loader(config, readThrough);
        Config redisson = new Config();
        redisson.useSingleServer().setAddress(Redis.address());
        return jcache(REDISSON, null, name, RedissonConfiguration.fromConfig(redisson, config), true);
      }
      case "raw-caffeine":
        return readThrough ? new RawCaffeineLoading(maxSize) : new RawCaffeine(maxSize);
      case "raw-redisson":
        return new RawRedisson();
      default:
        throw new IllegalArgumentException("unknown contender " + impl);
    }
  }

  private static Contender mtj(String name, boolean tiered, boolean byValue, long maxSize, boolean readThrough) {
    return mtj(name, tiered, byValue, maxSize, readThrough, null, null);
  }

  /**
   * Our cache with an expiry policy (null: the JCache default, eternal) and, when tiered, a Redis key
   * prefix (null: derived from the CacheManager's URI). Two tiered caches of the same name and prefix
   * share their entries in Redis, as two JVMs would: a write through one drops the other's L1 copy.
   * Does not flush Redis.
   */
  static JCacheContender mtj(String name, boolean tiered, boolean byValue, long maxSize, boolean readThrough,
      Factory<? extends ExpiryPolicy> expiry, String keyPrefix) {
    URI uri = tiered ? managerFile("  address: " + Redis.address() + "\n", keyPrefix) : URI.create("bench:l1-only");
    return mtjAt(uri, tiered, name, byValue, maxSize, readThrough, expiry);
  }

  /**
   * Our tiered cache (by value, no loader, eternal) in a CacheManager with a Redisson client of its
   * own, as a CacheManager of another JVM has: the provider shares one client between CacheManagers
   * of equal settings, so each gets its own Redisson file (2 idle connections, 2 event-loop threads).
   */
  static JCacheContender mtjOwnClient(String name, long maxSize, String keyPrefix) {
    try {
      Path redisson = Files.createTempFile("bench-redisson-", ".yaml");
      redisson.toFile().deleteOnExit();
      Files.writeString(redisson, "singleServerConfig:\n  address: \"" + Redis.address() + "\"\n"
          + "  connectionMinimumIdleSize: 2\n  subscriptionConnectionMinimumIdleSize: 1\n"
          + "threads: 2\nnettyThreads: 2\n", StandardCharsets.UTF_8);
      URI uri = managerFile("  redissonConfig: \"" + redisson.toUri() + "\"\n", keyPrefix);
      return mtjAt(uri, true, name, true, maxSize, false, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a CacheManager file naming Redis by {@code client} (YAML lines under {@code redis:}). */
  private static URI managerFile(String client, String keyPrefix) {
    try {
      Path yaml = Files.createTempFile("bench-tiered-", ".yaml");
      yaml.toFile().deleteOnExit();
      String invalidation = System.getProperty("bench.invalidation", "");
      String redis = "redis:\n" + client
          + (keyPrefix == null ? "" : "  keyPrefix: \"" + keyPrefix + "\"\n")
          + (invalidation.isEmpty() ? "" : "  invalidation: " + invalidation + "\n");
      Files.writeString(yaml, redis, StandardCharsets.UTF_8);
      return URI.create("file:" + yaml.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Our cache in the CacheManager of {@code uri}. */
  private static JCacheContender mtjAt(URI uri, boolean tiered, String name, boolean byValue, long maxSize,
      boolean readThrough, Factory<? extends ExpiryPolicy> expiry) {
    MultiTierConfiguration<String, byte[]> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, byte[].class);
    config.setStoreByValue(byValue);
    config.setMaximumSize(maxSize);
    if (expiry != null) {
      config.setExpiryPolicyFactory(expiry);
    }
    loader(config, readThrough);
    return jcache(MTJ, uri, name, config, tiered);
  }

  private static void loader(MutableConfiguration<String, byte[]> config, boolean readThrough) {
    if (readThrough) {
      config.setReadThrough(true);
      config.setCacheLoaderFactory(FactoryBuilder.factoryOf(Loader.class));
    }
  }

  private static JCacheContender jcache(String providerClass, URI uri, String name,
      javax.cache.configuration.Configuration<String, byte[]> config, boolean parallelFill) {
    CachingProvider provider = Caching.getCachingProvider(providerClass);
    CacheManager manager = (uri == null) ? provider.getCacheManager()
        : provider.getCacheManager(uri, Contenders.class.getClassLoader());
    Cache<String, byte[]> cache = manager.createCache(name, config);
    return new JCacheContender(cache, manager, parallelFill);
  }

  /** The loader of the read-through workload: makes a fresh 100-byte value, no I/O. */
  public static final class Loader implements CacheLoader<String, byte[]>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] load(String key) {
      return Data.value(key.hashCode());
    }

    @Override
    public Map<String, byte[]> loadAll(Iterable<? extends String> keys) {
      Map<String, byte[]> loaded = new java.util.HashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }
  }

  /** The entry processor of {@link Contender#invoke}: reads the value, replaces it by the argument. */
  public static final class Swap implements EntryProcessor<String, byte[], Integer>, Serializable {
    static final Swap INSTANCE = new Swap();
    private static final long serialVersionUID = 1L;

    @Override
    public Integer process(MutableEntry<String, byte[]> entry, Object... arguments) {
      byte[] old = entry.getValue();
      entry.setValue((byte[]) arguments[0]);
      return (old == null) ? -1 : old.length;
    }
  }

  /** The same loader for Ehcache's own configuration (its writes are no-ops). */
  static final class EhcacheLoader implements CacheLoaderWriter<String, byte[]> {
    @Override
    public byte[] load(String key) {
      return Data.value(key.hashCode());
    }

    @Override
    public void write(String key, byte[] value) {}

    @Override
    public void delete(String key) {}
  }

  static final class JCacheContender implements Contender {
    private final Cache<String, byte[]> cache;
    private final CacheManager manager;
    private final boolean parallelFill;

    JCacheContender(Cache<String, byte[]> cache, CacheManager manager, boolean parallelFill) {
      this.cache = cache;
      this.manager = manager;
      this.parallelFill = parallelFill;
    }

    Cache<String, byte[]> cache() {
      return cache;
    }

    @Override
    public byte[] get(String key) {
      return cache.get(key);
    }

    @Override
    public void put(String key, byte[] value) {
      cache.put(key, value);
    }

    @Override
    public Map<String, byte[]> getAll(Set<String> keys) {
      return cache.getAll(keys);
    }

    @Override
    public void putAll(Map<String, byte[]> entries) {
      cache.putAll(entries);
    }

    @Override
    public boolean remove(String key) {
      return cache.remove(key);
    }

    @Override
    public int invoke(String key, byte[] value) {
      return cache.invoke(key, Swap.INSTANCE, value);
    }

    @Override
    public void fill(Map<String, byte[]> entries) {
      List<Map<String, byte[]>> chunks = chunks(entries, 500);
      if (!parallelFill) {
        chunks.forEach(cache::putAll);
        return;
      }
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (Map<String, byte[]> chunk : chunks) {
          done.add(pool.submit(() -> cache.putAll(chunk)));
        }
        for (Future<?> future : done) {
          future.get();
        }
      } catch (Exception e) {
        throw new IllegalStateException("fill failed", e);
      } finally {
        pool.shutdown();
      }
    }

    @Override
    public void close() {
      try {
        cache.close();
      } finally {
        manager.close();
      }
    }
  }

  static List<Map<String, byte[]>> chunks(Map<String, byte[]> entries, int size) {
    List<Map<String, byte[]>> chunks = new ArrayList<>();
    Map<String, byte[]> chunk = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
      chunk.put(entry.getKey(), entry.getValue());
      if (chunk.size() == size) {
        chunks.add(chunk);
        chunk = new java.util.LinkedHashMap<>();
      }
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    return chunks;
  }

  /** The in-process ceiling: a bare Caffeine cache, {@code getIfPresent}. */
  static final class RawCaffeine implements Contender {
    private final com.github.benmanes.caffeine.cache.Cache<String, byte[]> cache;

    RawCaffeine(long maxSize) {
      cache = Caffeine.newBuilder().maximumSize(maxSize).build();
    }

    @Override
    public byte[] get(String key) {
      return cache.getIfPresent(key);
    }

    @Override
    public void put(String key, byte[] value) {
      cache.put(key, value);
    }

    @Override
    public Map<String, byte[]> getAll(Set<String> keys) {
      return cache.getAllPresent(keys);
    }

    @Override
    public void putAll(Map<String, byte[]> entries) {
      cache.putAll(entries);
    }

    @Override
    public boolean remove(String key) {
      return cache.asMap().remove(key) != null;
    }

    @Override
    public int invoke(String key, byte[] value) {
      byte[] old = cache.asMap().put(key, value);
      return (old == null) ? -1 : old.length;
    }

    @Override
    public void fill(Map<String, byte[]> entries) {
      cache.putAll(entries);
    }

    @Override
    public void close() {
      cache.invalidateAll();
    }
  }

  /** Bare Caffeine with a loading function, {@code get(key, loader)}: the read-through ceiling. */
  static final class RawCaffeineLoading implements Contender {
    private final com.github.benmanes.caffeine.cache.Cache<String, byte[]> cache;
    private final Loader loader = new Loader();

    RawCaffeineLoading(long maxSize) {
      cache = Caffeine.newBuilder().maximumSize(maxSize).build();
    }

    @Override
    public byte[] get(String key) {
      return cache.get(key, loader::load);
    }

    @Override
    public void put(String key, byte[] value) {
      cache.put(key, value);
    }

    @Override
    public Map<String, byte[]> getAll(Set<String> keys) {
      return cache.getAll(keys, loader::loadAll);
    }

    @Override
    public void putAll(Map<String, byte[]> entries) {
      cache.putAll(entries);
    }

    @Override
    public boolean remove(String key) {
      return cache.asMap().remove(key) != null;
    }

    @Override
    public int invoke(String key, byte[] value) {
      byte[] old = cache.asMap().put(key, value);
      return (old == null) ? -1 : old.length;
    }

    @Override
    public void fill(Map<String, byte[]> entries) {
      cache.putAll(entries);
    }

    @Override
    public void close() {
      cache.invalidateAll();
    }
  }

  /**
   * The network ceiling: Redisson's {@code RBucket}/{@code RBuckets} on raw bytes, no codec work (GET,
   * SET, MGET, MSET, DEL, GETSET: one command each).
   */
  static final class RawRedisson implements Contender {
    private final RedissonClient client;

    RawRedisson() {
      Config config = new Config();
      config.setCodec(ByteArrayCodec.INSTANCE);
      config.useSingleServer().setAddress(Redis.address());
      client = Redisson.create(config);
    }

    @Override
    public byte[] get(String key) {
      return client.<byte[]>getBucket(key).get();
    }

    @Override
    public void put(String key, byte[] value) {
      client.<byte[]>getBucket(key).set(value);
    }

    @Override
    public Map<String, byte[]> getAll(Set<String> keys) {
      return client.getBuckets().get(keys.toArray(new String[0]));
    }

    @Override
    public void putAll(Map<String, byte[]> entries) {
      client.getBuckets().set(entries);
    }

    @Override
    public boolean remove(String key) {
      return client.getBucket(key).delete();
    }

    @Override
    public int invoke(String key, byte[] value) {
      byte[] old = client.<byte[]>getBucket(key).getAndSet(value);
      return (old == null) ? -1 : old.length;
    }

    @Override
    public void fill(Map<String, byte[]> entries) {
      for (Map<String, byte[]> chunk : chunks(entries, 1000)) {
        client.getBuckets().set(chunk);
      }
    }

    @Override
    public void close() {
      client.shutdown();
    }
  }
}
