package io.multitier.jcache;

import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Read-through without a {@code CacheLoader}, reached with {@code cache.unwrap(ComputingCache.class)}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ComputingCache<K, V> {

  /**
   * Returns the key's value; on a miss, computes it and stores it for {@code ttl}. Threads of this
   * JVM that miss the key while it is computed share that computation; when the cache has a
   * stampede lease ({@code MultiTierConfiguration#setStampedeLease}), so do all the JVMs that
   * share its Redis. A {@code null} result is returned and not stored.
   */
  @Nullable V getOrCompute(K key, Function<? super K, ? extends @Nullable V> compute, Duration ttl);
}
