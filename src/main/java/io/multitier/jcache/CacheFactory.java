package io.multitier.jcache;

import io.multitier.jcache.backend.caffeine.CaffeineBackend;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Copier;
import io.multitier.jcache.copy.SerializingCopier;
import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.NearCacheBackend;
import io.multitier.jcache.tier.NearTiers;
import io.multitier.jcache.tier.Removals;
import io.multitier.jcache.tier.Store;
import io.multitier.jcache.tier.Stores;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.jspecify.annotations.Nullable;

/**
 * Wires one cache: its expiry policy, loader, writer, codec, copier, listeners and engine, L1-only
 * or tiered. The only place that decides which parts a cache is made of.
 */
final class CacheFactory {

  private CacheFactory() {}

  /**
   * Builds the cache.
   *
   * @param sharedTier opens the authoritative tier of a cache by name, or is {@code null} when the
   *     CacheManager has no Redis
   */
  static <K, V> MultiTierCache<K, V> build(String name, MultiTierConfiguration<K, V> config,
      MultiTierCacheManager manager, @Nullable Function<String, L2CacheBackend<String, byte[]>> sharedTier) {
    EventDispatcher<K, V> dispatcher = new EventDispatcher<>(config.getExecutor());
    ExpiryCalculator expiry = new ExpiryCalculator(config.getExpiryPolicyFactory().create());
    CacheLoader<K, V> loader = (config.getCacheLoaderFactory() == null) ? null
        : config.getCacheLoaderFactory().create();
    CacheWriter<K, V> writer = (config.isWriteThrough() && config.getCacheWriterFactory() != null)
        ? cast(config.getCacheWriterFactory().create()) : null;
    NearTiers nearTiers = nearTiers(config);
    @Nullable Function<String, L2CacheBackend<String, byte[]>> shared = config.isTiered() ? sharedTier : null;
    Codec codec = Codec.orDefault(config.getCodec(), shared != null);
    Function<Removals<K, V>, Store<K, V>> engine;
    if (shared != null) {
      if (config.isClusterEvents()) {
        dispatcher.deliverAsynchronousInStoreOrder();
      }
      L2CacheBackend<String, byte[]> l2 = shared.apply(name);
      engine = removals -> Stores.tiered(name, config, codec, l2, nearTiers, manager.getClassLoader(),
          expiry::access, writer != null);
    } else {
      engine = removals -> Stores.local(nearTiers, config.getMaximumSize(), !expiry.neverExpires(),
          expiry.ignoresAccess() ? null : expiry::access, removals);
    }
    Copier copier = config.isStoreByValue()
        ? new SerializingCopier(codec.forCopies())
        : Copier.identity();
    return new MultiTierCache<>(name, manager, config, engine, copier, expiry, loader, writer, dispatcher);
  }

  /** Returns the builder of the cache's in-process tiers: on Caffeine, timed by the cache's ticker. */
  private static NearTiers nearTiers(MultiTierConfiguration<?, ?> config) {
    return new NearTiers() {
      @Override
      public <K, T> NearCacheBackend<K, T> build(long maximumSize, BiConsumer<K, T> onExpired,
          BiConsumer<K, T> onEvicted, boolean expiring) {
        return new CaffeineBackend<>("L1", maximumSize, config.getTicker(), Runnable::run, onExpired, onEvicted,
            expiring);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <K, V> CacheWriter<K, V> cast(CacheWriter<? super K, ? super V> writer) {
    return (CacheWriter<K, V>) writer;
  }
}
