package io.multitier.jcache.tier;

import io.multitier.jcache.spi.NearCacheBackend;
import java.util.function.BiConsumer;

/** Builds the in-process tier of a cache: the wiring chooses its implementation, the engine does not. */
public interface NearTiers {

  /**
   * Returns an in-process tier of at most {@code maximumSize} entries, reporting what it drops by
   * itself.
   *
   * @param expiring whether its entries are expected to get finite times to live
   */
  <K, T> NearCacheBackend<K, T> build(long maximumSize, BiConsumer<K, T> onExpired, BiConsumer<K, T> onEvicted,
      boolean expiring);
}
