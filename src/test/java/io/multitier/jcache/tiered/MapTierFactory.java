package io.multitier.jcache.tiered;

import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.TierFactory;

/** Offers {@link MapTier} under the name {@code map}, through {@code ServiceLoader}. */
public final class MapTierFactory implements TierFactory {

  @Override
  public String name() {
    return "map";
  }

  @Override
  public L2CacheBackend<String, byte[]> create(String cacheName) {
    return new MapTier(cacheName);
  }
}
