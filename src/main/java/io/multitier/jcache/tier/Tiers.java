package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.L2CacheBackend;

/**
 * The parts of one tiered cache that its readers, writers and atomic steps all work on, built once
 * by {@link TieredStore}.
 *
 * @param near this JVM's copies
 * @param l2 the authoritative tier, shared between JVMs
 * @param shared the guard of every call to the authoritative tier
 * @param lower the tiers below it
 * @param codec the encoded form of keys and values, with its size limits
 * @param stripes the locks that serialise one key's writes within this JVM
 * @param settings the cache's settings for the engine
 * @param statistics the per-tier counters
 * @param <K> the key type
 * @param <V> the value type
 */
record Tiers<K, V>(NearTier<K, V> near, L2CacheBackend<String, byte[]> l2, SharedTierGuard<K, V> shared,
    LowerTiers lower, LimitedCodec<K, V> codec, Stripes stripes, StoreSettings settings, TierStatistics statistics) {

  Tiers {
    requireNonNull(near, "near");
    requireNonNull(l2, "l2");
    requireNonNull(shared, "shared");
    requireNonNull(lower, "lower");
    requireNonNull(codec, "codec");
    requireNonNull(stripes, "stripes");
    requireNonNull(settings, "settings");
    requireNonNull(statistics, "statistics");
  }
}
