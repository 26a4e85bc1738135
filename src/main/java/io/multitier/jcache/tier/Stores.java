package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Serializer;
import io.multitier.jcache.spi.ClassDictionary;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.NearCacheBackend;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Builds the engine of one cache: L1-only over a near tier, or a near tier in front of the authoritative one. */
public final class Stores {

  private Stores() {}

  /**
   * Returns the embedded default: the in-process tier is the source of truth.
   *
   * @param nearTiers builds the in-process tier
   * @param maximumSize the in-process tier's bound
   * @param expiring whether entries are expected to get finite times to live
   * @param accessTtl the expiry policy's rule for an access, asked on each hit; {@code null} if it
   *     never changes an entry's expiry
   * @param removals told of the entries the in-process tier drops by itself
   */
  public static <K, V> Store<K, V> local(NearTiers nearTiers, long maximumSize, boolean expiring,
      @Nullable Supplier<Duration> accessTtl, Removals<K, V> removals) {
    requireNonNull(removals, "removals");
    NearCacheBackend<K, V> l1 = nearTiers.build(maximumSize, removals::expired, removals::evicted, expiring);
    return new LocalStore<>(l1, accessTtl);
  }

  /**
   * Returns a tiered engine: a near tier in front of {@code l2}, and the tiers the configuration
   * names below it.
   *
   * @param name the cache's name
   * @param config the cache's configuration
   * @param format the codec of its values and serialized keys, its own or the default
   * @param l2 the authoritative tier
   * @param nearTiers builds the near tier
   * @param classLoader where values read back from the tiers are resolved
   * @param accessTtl the expiry policy's rule for an access, asked on each hit
   * @param writesThrough whether the cache has a {@code CacheWriter}: its writes then hold the key's lease
   */
  public static <K, V> Store<K, V> tiered(String name, MultiTierConfiguration<K, V> config, Codec format,
      L2CacheBackend<String, byte[]> l2, NearTiers nearTiers, ClassLoader classLoader, Supplier<Duration> accessTtl,
      boolean writesThrough) {
    requireNonNull(config, "config");
    TierStatistics statistics = new TierStatistics();
    NearCacheBackend<K, NearTier.Copy<V>> l1 = nearTiers.build(config.getMaximumSize(), (key, copy) -> {},
        (key, copy) -> {}, false);
    NearTier<K, V> near = new NearTier<>(l1, config.getTicker(), config.getL1MaxTtl(), statistics);
    StoreSettings settings = new StoreSettings(config.getDegradation(), config.getMaxKeyBytes(),
        config.getMaxValueBytes(), writesThrough, config.getWriteLease(), config.getStampedeLease());
    requireNonNull(format, "format");
    ClassDictionary dictionary = l2.classDictionary().orElse(null);
    EntryCodec<K, V> codec = new SerializingCodec<>(sharedTier(name, config, format, null),
        sharedTier(name, config, format, dictionary), classLoader, (format == Codec.JAVA) ? 'j' : 'k');
    return new TieredStore<>(near, l2, LowerTiers.of(config.getLowerTiers(), name, classLoader), codec,
        settings, accessTtl, statistics);
  }

  /** Returns the serializer of the shared tier, naming classes through the dictionary if one is given. */
  private static Serializer sharedTier(String name, MultiTierConfiguration<?, ?> config, Codec format,
      @Nullable ClassDictionary dictionary) {
    return format.forSharedTier(name, config.getAllowedClasses(), config.getCompression(), config.getCompressAbove(),
        config.getMaxValueBytes(), dictionary);
  }
}
