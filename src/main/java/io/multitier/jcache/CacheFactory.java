package io.multitier.jcache;

import io.multitier.jcache.backend.caffeine.CaffeineBackend;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Copier;
import io.multitier.jcache.copy.SerializingCopier;
import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.tier.Store;
import io.multitier.jcache.tier.Stores;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * Wires one cache: its expiry policy, loader, writer, copier, listeners and engine, L1-only or
 * tiered. The only place that decides which parts a cache is made of.
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
      MultiTierCacheManager manager, Function<String, L2CacheBackend<String, byte[]>> sharedTier) {
    EventDispatcher<K, V> dispatcher = new EventDispatcher<>(config.getExecutor());
    ExpiryCalculator expiry = new ExpiryCalculator(config.getExpiryPolicyFactory().create());
    CacheLoader<K, V> loader = (config.getCacheLoaderFactory() == null) ? null
        : config.getCacheLoaderFactory().create();
    CacheWriter<K, V> writer = (config.isWriteThrough() && config.getCacheWriterFactory() != null)
        ? cast(config.getCacheWriterFactory().create()) : null;
    boolean tiered = config.isTiered() && sharedTier != null;
    AtomicReference<MultiTierCache<K, V>> self = new AtomicReference<>();
    Store<K, V> store;
    if (tiered) {
      if (config.isClusterEvents()) {
        dispatcher.deliverAsynchronousInStoreOrder();
      }
      store = Stores.tiered(name, config, sharedTier.apply(name), manager.getClassLoader(), expiry::access,
          writer != null);
    } else {
      CaffeineBackend<K, V> l1 = new CaffeineBackend<>("L1", config.getMaximumSize(), config.getTicker(),
          Runnable::run, (key, value) -> {
            MultiTierCache<K, V> cache = self.get();
            if (cache != null) {
              dispatcher.publishExpired(cache, key, value);
            }
          }, (key, value) -> {
            MultiTierCache<K, V> cache = self.get();
            if (cache != null) {
              cache.statistics().recordEvictions(1);
            }
          }, !expiry.neverExpires());
      store = Stores.local(l1, expiry.ignoresAccess() ? null : expiry::access);
    }
    Copier copier = config.isStoreByValue()
        ? new SerializingCopier(config.getCodec().forCopies())
        : Copier.identity();
    MultiTierCache<K, V> cache = new MultiTierCache<>(name, manager, config, store, copier, expiry, loader,
        writer, dispatcher);
    self.set(cache);
    return cache;
  }

  @SuppressWarnings("unchecked")
  private static <K, V> CacheWriter<K, V> cast(CacheWriter<? super K, ? super V> writer) {
    return (CacheWriter<K, V>) writer;
  }
}
